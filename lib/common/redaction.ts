/**
 * Finding secrets in text that quotes them back (an error body, a response header, a canonical
 * request), whichever way it encodes them, and replacing each with its mark.
 *
 * A secret is found as itself, JSON-escaped (`\/`, `\u002b`, any `\uXXXX`, and `\n` and the other
 * two-character escapes read as what they spell around it), percent-encoded
 * (`%2B`, `%2b`), as HTML numeric entities (`&#43;`, `&#x2B;`), or any mix of those, character by
 * character: the text is read through those escapes once, and the secret looked for in what they
 * spell. Only a whole occurrence counts, one that no letter or digit directly precedes or
 * follows, so a short secret (`tok`) is never cut out of a longer word (`x-amz-security-token`).
 */

/** A secret to keep out of a text, and what shows in its place. */
export interface Secret {
  value: string
  mark: string
}

/** `text` with every whole occurrence of each secret, in any of its encodings, replaced. */
export function redactSecrets(text: string, secrets: readonly Secret[]): string {
  const wanted = secrets.filter((secret) => secret.value !== '')
  if (wanted.length === 0 || text === '') return text
  const read = readThroughEscapes(text)
  const found: Array<{ start: number; end: number; mark: string }> = []
  for (const { value, mark } of wanted) {
    const { plain } = read
    for (let at = plain.indexOf(value); at !== -1; at = plain.indexOf(value, at + 1)) {
      const end = at + value.length
      if (isWordChar(plain, at - 1) || isWordChar(plain, end)) continue
      found.push({ start: read.inText(at), end: read.inText(end), mark })
    }
  }
  if (found.length === 0) return text
  found.sort((a, b) => a.start - b.start)
  let out = ''
  let from = 0
  for (const { start, end, mark } of found) {
    if (start < from) continue // inside one replaced already
    out += text.slice(from, start) + mark
    from = end
  }
  return out + text.slice(from)
}

type HeaderValue = string | string[] | number | undefined

/**
 * Header values with the secrets replaced: the same object when none carries one (a value
 * shorter than every secret cannot), else a copy.
 */
export function redactHeaderValues<H extends Record<string, HeaderValue>>(
  headers: H,
  secrets: readonly Secret[],
): H {
  const shortest = Math.min(...secrets.map((s) => s.value.length || Infinity))
  if (!Number.isFinite(shortest)) return headers
  let out: Record<string, HeaderValue> | undefined
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    const redacted =
      typeof value === 'string'
        ? value.length < shortest
          ? value
          : redactSecrets(value, secrets)
        : Array.isArray(value) && value.some((v) => v.length >= shortest)
          ? redactedList(value, secrets)
          : value
    if (redacted !== value) (out ??= { ...headers })[name] = redacted
  }
  return (out as H | undefined) ?? headers
}

function redactedList(values: string[], secrets: readonly Secret[]): string[] {
  const out = values.map((v) => redactSecrets(v, secrets))
  return out.every((v, i) => v === values[i]) ? values : out
}

/**
 * `text` read through its escapes: `plain`, what they spell, and `inText(i)`, where the i-th
 * character of `plain` begins in `text` (`inText(plain.length)` is `text.length`). Only the
 * escapes are recorded, so a text without any costs no copy.
 */
function readThroughEscapes(text: string): { plain: string; inText(i: number): number } {
  const parts: string[] = []
  /** For each escape: where it is in `plain`, and how many characters `text` has more up to its end. */
  const at: number[] = []
  const extra: number[] = []
  let added = 0
  let run = 0 // where the current stretch without escapes began
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i)
    const escape = c === 0x5c || c === 0x25 || c === 0x26 ? escapeAt(text, i) : undefined
    if (escape === undefined) {
      i += 1
      continue
    }
    if (run < i) parts.push(text.slice(run, i))
    parts.push(escape.char)
    at.push(i - added)
    added += escape.length - 1
    extra.push(added)
    i += escape.length
    run = i
  }
  if (at.length === 0) return { plain: text, inText: (i) => i }
  if (run < text.length) parts.push(text.slice(run))
  return {
    plain: parts.join(''),
    inText(i) {
      // The escapes that end before plain index i each add their extra length.
      let lo = 0
      let hi = at.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (at[mid] < i) lo = mid + 1
        else hi = mid
      }
      return i + (lo === 0 ? 0 : extra[lo - 1])
    },
  }
}

/** JSON's two-character escapes, and what each spells. */
const JSON_SHORT_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
])

const HEX4 = /^[0-9a-fA-F]{4}$/
const HEX2 = /^[0-9a-fA-F]{2}$/
const ENTITY = /^&#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}));/

/** The character an escape at `i` spells, and the escape's length; undefined for none. */
function escapeAt(text: string, i: number): { char: string; length: number } | undefined {
  const c = text.charCodeAt(i)
  if (c === 0x5c /* \ */) {
    const next = text[i + 1]
    const short = JSON_SHORT_ESCAPES.get(next)
    // `\n` before a secret is a line break, not the letter n: it ends the word before.
    if (short !== undefined) return { char: short, length: 2 }
    if (next === 'u' && HEX4.test(text.slice(i + 2, i + 6))) {
      return { char: String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)), length: 6 }
    }
    return undefined
  }
  if (c === 0x25 /* % */) {
    const hex = text.slice(i + 1, i + 3)
    if (!HEX2.test(hex)) return undefined
    const code = parseInt(hex, 16)
    // ASCII only: a secret is; a byte of a multi-byte character spells nothing alone.
    return code < 0x80 ? { char: String.fromCharCode(code), length: 3 } : undefined
  }
  if (c === 0x26 /* & */ && text[i + 1] === '#') {
    const match = ENTITY.exec(text.slice(i, i + 12))
    if (match === null) return undefined
    const code = match[1] === undefined ? parseInt(match[2], 16) : parseInt(match[1], 10)
    return code < 0x80 ? { char: String.fromCharCode(code), length: match[0].length } : undefined
  }
  return undefined
}

/** Whether the character at `i` (in range) is a letter or digit. */
function isWordChar(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false
  const c = text.charCodeAt(i)
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
}
