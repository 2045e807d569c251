/**
 * Reading what arrived over HTTP: the body bytes, the raw headers, and whether the answer may be
 * gzipped (decompressing a body is lib/common/content-encoding.ts's).
 */
import type { IncomingMessage } from 'node:http'

/** A body over the cap: nothing more of it was read. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`Request size exceeded ${limit} bytes`)
  }
}

/**
 * The body, read up to `limit` bytes: a declared `content-length` over it is refused before
 * anything is read, and a body that grows past it (chunked) as soon as it does, with
 * BodyTooLarge; the rest is never buffered.
 */
export function readBody(req: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge(limit))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) {
        req.off('data', onData)
        req.pause()
        chunks.length = 0
        reject(new BodyTooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
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
