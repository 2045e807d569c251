// A deliberately tiny SigV4 signer and raw HTTP sender for the emulator's tests. It shares no
// code with lib/ (neither the package's signer nor the emulator's canonicalisation), so the two
// sides of each test are independent.
import { createHash, createHmac } from 'node:crypto'
import { request } from 'node:http'

export interface TestKey {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface SignInput {
  method: string
  /** Raw path exactly as it goes on the wire (already percent-encoded). */
  path: string
  /** Raw query string (no `?`), as it goes on the wire. */
  query?: string
  headers?: Record<string, string>
  body?: Buffer | string
  key: TestKey
  region: string
  service: string
  host: string
  date?: Date
  /** Add and sign `x-amz-content-sha256`. */
  contentSha?: boolean
  /** Leave these out of SignedHeaders. */
  unsigned?: string[]
}

const rfc3986 = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())

const hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data).digest()

export function amz(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z'
}

/** Returns the headers to send (Authorization included). */
export function sign(input: SignInput): Record<string, string> {
  const date = input.date ?? new Date()
  const stamp = amz(date)
  const body = input.body === undefined ? Buffer.alloc(0) : Buffer.from(input.body)
  const headers: Record<string, string> = {
    ...input.headers,
    host: input.host,
    'x-amz-date': stamp,
  }
  if (input.key.sessionToken) headers['x-amz-security-token'] = input.key.sessionToken
  if (input.contentSha) headers['x-amz-content-sha256'] = hex(body)
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  const names = Object.keys(lower)
    .filter((n) => !(input.unsigned ?? []).includes(n))
    .sort()
  // The path is a wire path: segments are encoded once more (so `%2F` becomes `%252F`).
  const uri = input.path.split('/').map(rfc3986).join('/')
  const query = (input.query ?? '')
    .split('&')
    .filter(Boolean)
    .map((p) => {
      const [k, v = ''] = p.split(/=(.*)/s)
      return [rfc3986(decodeURIComponent(k)), rfc3986(decodeURIComponent(v))]
    })
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const canonical = [
    input.method,
    uri,
    query,
    names.map((n) => `${n}:${lower[n].trim().replace(/\s+/g, ' ')}\n`).join(''),
    names.join(';'),
    lower['x-amz-content-sha256'] ?? hex(body),
  ].join('\n')
  const scope = `${stamp.slice(0, 8)}/${input.region}/${input.service}/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', stamp, scope, hex(canonical)].join('\n')
  let k = hmac('AWS4' + input.key.secretAccessKey, stamp.slice(0, 8))
  for (const part of [input.region, input.service, 'aws4_request']) k = hmac(k, part)
  const signature = createHmac('sha256', k).update(toSign).digest('hex')
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${input.key.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`
  return headers
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: () => unknown
}

/** Sends exactly these headers and body (the path goes out as given). */
export function send(
  baseUrl: string,
  method: string,
  pathAndQuery: string,
  headers: Record<string, string>,
  body?: Buffer | string,
): Promise<RawResponse> {
  const url = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: pathAndQuery,
        headers,
        // Node adds Host itself only when the test did not set (and sign) one.
        setHost: !Object.keys(headers).some((k) => k.toLowerCase() === 'host'),
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text),
          })
        })
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

export interface CallInput extends Omit<SignInput, 'host' | 'region' | 'service' | 'key'> {
  key?: TestKey
  region?: string
  service?: string
  host?: string
  /** Changes applied to the signed headers before sending (tampering). */
  tamper?: (headers: Record<string, string>) => void
  /** Send this body instead of the signed one. */
  sendBody?: Buffer | string
  /** Send this path+query instead of the signed one. */
  sendPath?: string
}

/** Signs (defaults: us-east-1, es, host of the base URL) and sends a request. */
export function call(baseUrl: string, defaultKey: TestKey, input: CallInput): Promise<RawResponse> {
  const host = input.host ?? new URL(baseUrl).host
  const headers = sign({
    ...input,
    key: input.key ?? defaultKey,
    region: input.region ?? 'us-east-1',
    service: input.service ?? 'es',
    host,
  })
  input.tamper?.(headers)
  const target = input.sendPath ?? input.path + (input.query ? `?${input.query}` : '')
  const body = input.sendBody ?? input.body
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body))
  return send(baseUrl, input.method, target, headers, body)
}
