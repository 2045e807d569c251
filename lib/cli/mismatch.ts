/**
 * A signature mismatch explained: the canonical request we signed beside the one AWS rebuilt
 * from what arrived, part by part, and the likely cause the first differing part points to. Pure.
 */

/** A canonical request cut into its parts: method, path, query, each header, signed headers, hash. */
export interface CanonicalParts {
  method: string
  path: string
  query: string
  headers: Array<[string, string]>
  signedHeaders: string
  payloadHash: string
}

export function splitCanonical(canonical: string): CanonicalParts {
  const lines = canonical.split('\n')
  const [method = '', path = '', query = ''] = lines
  const blank = lines.indexOf('', 3)
  const end = blank === -1 ? lines.length - 2 : blank
  const headers = lines.slice(3, end).map((line): [string, string] => {
    const colon = line.indexOf(':')
    return colon === -1 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1)]
  })
  return {
    method,
    path,
    query,
    headers,
    signedHeaders: lines[end + 1] ?? '',
    payloadHash: lines[end + 2] ?? '',
  }
}

/** One line of the side-by-side comparison. */
export interface ComparedLine {
  ours: string
  theirs: string
  differs: boolean
}

export interface Comparison {
  lines: ComparedLine[]
  /** The likely cause, as advice. */
  cause: string
}

/** Compares our canonical request with AWS's, and names the likely cause. */
export function compareCanonical(ours: string, theirs: string, keyLabel: string): Comparison {
  const a = splitCanonical(ours)
  const b = splitCanonical(theirs)
  const lines: ComparedLine[] = []
  const add = (x: string, y: string): void => {
    lines.push({ ours: x, theirs: y, differs: x !== y })
  }
  add(a.method, b.method)
  add(a.path, b.path)
  add(a.query, b.query)
  const names = [...new Set([...a.headers, ...b.headers].map(([name]) => name))]
  const headerOf = (parts: CanonicalParts, name: string): string | undefined =>
    parts.headers.find(([n]) => n === name)?.[1]
  const differingHeaders: string[] = []
  for (const name of names) {
    const x = headerOf(a, name)
    const y = headerOf(b, name)
    if (x !== y) differingHeaders.push(name)
    add(x === undefined ? '' : `${name}:${x}`, y === undefined ? '' : `${name}:${y}`)
  }
  add(a.signedHeaders, b.signedHeaders)
  add(a.payloadHash, b.payloadHash)
  return { lines, cause: likelyCause(a, b, differingHeaders, keyLabel) }
}

function likelyCause(
  a: CanonicalParts,
  b: CanonicalParts,
  differingHeaders: readonly string[],
  keyLabel: string,
): string {
  if (differingHeaders.includes('host')) {
    return (
      'the Host differs: a proxy, load balancer or tunnel rewrote it, or the URL is not the ' +
      "endpoint's own host; send the request to the endpoint's host, so that it is signed for it"
    )
  }
  if (a.path !== b.path) {
    return (
      'the path differs: it was encoded differently on the way (a proxy decoding or re-encoding ' +
      '%2F, spaces or non-ASCII); percent-encode each path segment once, as the client does'
    )
  }
  if (a.query !== b.query) {
    return (
      'the query differs: a proxy re-encoded or reordered it; percent-encode reserved characters ' +
      'in values (: , = + space) yourself'
    )
  }
  if (a.method !== b.method) return 'the method differs: something on the way changed it'
  if (differingHeaders.length > 0) {
    return `header ${differingHeaders.join(', ')} was rewritten on the way (a proxy?): it is signed, so it must arrive as sent`
  }
  if (a.payloadHash !== b.payloadHash)
    return 'the body hash differs: the body was changed on the way'
  if (a.signedHeaders !== b.signedHeaders) return 'the list of signed headers differs'
  return (
    'everything signed arrived as it was signed, so the secret key is not the one AWS holds for ' +
    `key ${keyLabel}: check AWS_SECRET_ACCESS_KEY (or the profile), or a key rotated on one side only`
  )
}

/** The comparison as lines: `  ours | AWS expected`, differing lines marked `≠`. */
export function formatComparison(lines: readonly ComparedLine[], width = 46): string[] {
  const cut = (text: string): string =>
    text.length > width ? `${text.slice(0, width - 1)}…` : text
  return [
    `    ${'we signed'.padEnd(width)}  AWS expected`,
    ...lines.map(
      (line) =>
        `  ${line.differs ? '≠' : ' '} ${cut(line.ours).padEnd(width)}  ${line.differs ? line.theirs : cut(line.theirs)}`,
    ),
  ]
}
