/**
 * Finding secrets in text that quotes them back (an error body, a response header, a canonical
 * request), whichever way it encodes them, and replacing each with its mark.
 *
 * A secret is found as itself, JSON-escaped (`\/`, `\u002b`, any `\uXXXX`; `\n` and the other
 * two-character escapes read as what they spell around it), percent-encoded (`%2B`, `%2b`), as
 * HTML numeric entities (`&#43;`, `&#x2B;`), or any mix of those, character by character: the
 * text is read through those escapes once, and the secret looked for in what they spell. Only a
 * whole occurrence counts, one that no letter or digit directly precedes or follows, so a short
 * secret (`tok`) is never cut out of a longer word (`x-amz-security-token`).
 */

/** A secret to keep out of a text, and what shows in its place. */
export interface Secret {
  value: string
  mark: string
}

/** The escapes a secret's characters may hide behind; a percent or entity only for ASCII. */
const ESCAPE =
  /\\u([0-9a-fA-F]{4})|\\(["\\/bfnrt])|%([0-7][0-9a-fA-F])|&#(?:0*(\d{1,3})|[xX]0*([0-7][0-9a-fA-F]));/g
const SHORT: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }
const WORD = /[A-Za-z0-9]/

/** `text` with every whole occurrence of each secret, in any of its encodings, replaced. */
export function redactSecrets(text: string, secrets: readonly Secret[]): string {
  // Where each escape is in what the text spells, and how much longer the text is up to its end.
  const at: number[] = []
  const longer: number[] = []
  const plain = text.replace(ESCAPE, (escape, u, short, percent, dec, hex, offset: number) => {
    at.push(offset - (longer.at(-1) ?? 0))
    longer.push((longer.at(-1) ?? 0) + escape.length - 1)
    if (short !== undefined) return SHORT[short] ?? short
    return String.fromCharCode(dec === undefined ? parseInt(u ?? percent ?? hex, 16) : +dec)
  })
  /** Where the i-th character of `plain` begins in `text`. */
  const inText = (i: number): number => {
    let n = 0
    while (n < at.length && at[n] < i) n++
    return i + (n === 0 ? 0 : longer[n - 1])
  }
  const found: Array<[start: number, end: number, mark: string]> = []
  for (const { value, mark } of secrets) {
    if (value === '') continue
    for (let i = plain.indexOf(value); i !== -1; i = plain.indexOf(value, i + 1)) {
      const end = i + value.length
      if (!WORD.test(plain[i - 1] ?? '') && !WORD.test(plain[end] ?? '')) {
        found.push([inText(i), inText(end), mark])
      }
    }
  }
  let out = ''
  let from = 0
  for (const [start, end, mark] of found.sort((a, b) => a[0] - b[0])) {
    if (start < from) continue // inside one replaced already
    out += text.slice(from, start) + mark
    from = end
  }
  return from === 0 ? text : out + text.slice(from)
}

type HeaderValue = string | string[] | number | undefined

/** Header values with the secrets replaced: the same object when none carries one, else a copy. */
export function redactHeaderValues<H extends Record<string, HeaderValue>>(
  headers: H,
  secrets: readonly Secret[],
): H {
  let out: Record<string, HeaderValue> | undefined
  for (const [name, value] of Object.entries(headers)) {
    const redacted = Array.isArray(value)
      ? value.map((v) => redactSecrets(v, secrets))
      : typeof value === 'string'
        ? redactSecrets(value, secrets)
        : value
    if (String(redacted) !== String(value)) (out ??= { ...headers })[name] = redacted
  }
  return (out as H | undefined) ?? headers
}
