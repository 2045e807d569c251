/**
 * Reading what arrived over HTTP: the body bytes, the raw headers, and whether the answer may be
 * gzipped (decompressing a body is lib/common/content-encoding.ts's).
 */
import type { IncomingMessage } from 'node:http'

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/**
 * Node's `rawHeaders` as one record: lower-case names, repeated headers joined with `, `,
 * leaving out the names `skip` says.
 */
export function joinedHeaders(
  rawHeaders: readonly string[],
  skip: (name: string) => boolean = () => false,
): Record<string, string> {
  const headers: Record<string, string> = {}
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase()
    if (skip(name)) continue
    const value = rawHeaders[i + 1]
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
  }
  return headers
}

/** Whether an `accept-encoding` value takes gzip: `gzip` or `*`, with a q-value above 0. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '')
  return value.split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((p) => p.trim().toLowerCase())
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') return false
    const q = params.find((p) => p.startsWith('q='))
    return q === undefined || Number(q.slice(2)) > 0
  })
}
