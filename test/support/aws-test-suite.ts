import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/**
 * AWS's official SigV4 test vectors, vendored in test/fixtures (see its README) so that a clone
 * anywhere tests itself. `AWS_SIGV4_TEST_SUITE` may point at another copy's `v4` folder.
 */
export const SUITE_DIR =
  process.env.AWS_SIGV4_TEST_SUITE || resolve(__dirname, '../fixtures/aws-sigv4-test-suite/v4')

export interface VectorContext {
  credentials: { access_key_id: string; secret_access_key: string; token?: string }
  region: string
  service: string
  timestamp: string
  normalize: boolean
  sign_body: boolean
  omit_session_token?: boolean
}

/** A raw request from `request.txt`: request line, headers (folded lines kept), body. */
export interface RawVectorRequest {
  method: string
  /** Path and query as written, before any encoding. */
  target: string
  /** Header lines in order: name as written, value (continuation lines joined with `\n`). */
  headers: Array<[string, string]>
  body: string
}

export interface Vector {
  name: string
  context: VectorContext
  request: RawVectorRequest
  expected: {
    canonicalRequest: string
    stringToSign: string
    signature: string
    signedRequest: string
  }
}

export function suiteAvailable(): boolean {
  return existsSync(SUITE_DIR)
}

export function loadVectors(): Vector[] {
  return readdirSync(SUITE_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const dir = join(SUITE_DIR, name)
      const read = (file: string): string => readFileSync(join(dir, file), 'utf8')
      return {
        name,
        context: JSON.parse(read('context.json')) as VectorContext,
        request: parseRawRequest(read('request.txt')),
        expected: {
          canonicalRequest: read('header-canonical-request.txt'),
          stringToSign: read('header-string-to-sign.txt'),
          signature: read('header-signature.txt').trim(),
          signedRequest: read('header-signed-request.txt'),
        },
      }
    })
}

export function parseRawRequest(text: string): RawVectorRequest {
  const blank = text.indexOf('\n\n')
  const head = blank === -1 ? text : text.slice(0, blank)
  const body = blank === -1 ? '' : text.slice(blank + 2)
  const [requestLine, ...lines] = head.split('\n')
  const firstSpace = requestLine.indexOf(' ')
  const method = requestLine.slice(0, firstSpace)
  // The path may contain raw spaces, so the protocol is cut from the end.
  const target = requestLine.slice(firstSpace + 1, requestLine.lastIndexOf(' HTTP/'))
  const headers: Array<[string, string]> = []
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1][1] += `\n${line}`
    } else if (line !== '') {
      const colon = line.indexOf(':')
      headers.push([line.slice(0, colon), line.slice(colon + 1)])
    }
  }
  return { method, target, headers, body }
}
