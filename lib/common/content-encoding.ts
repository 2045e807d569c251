/**
 * Bodies sent with a `content-encoding`: which codings the client's transport decodes itself,
 * and decoding them. One home for the connection (an error body read before the transport sees
 * it), the CLI (`--compressed`) and the emulator (a compressed request body).
 */
import { promisify } from 'node:util'
import { brotliDecompressSync, gunzipSync, inflateSync, unzip } from 'node:zlib'

const unzipAsync = promisify(unzip)

type HeaderValue = string | number | readonly string[] | undefined

/**
 * Whether a `content-encoding` header names gzip or deflate, the codings the Elasticsearch and
 * OpenSearch transports decode (they use zlib's `unzip`, which takes either).
 */
export function isTransportDecoded(contentEncoding: HeaderValue): boolean {
  const value = (
    Array.isArray(contentEncoding) ? contentEncoding.join(',') : String(contentEncoding ?? '')
  ).toLowerCase()
  return value.includes('gzip') || value.includes('deflate')
}

/** A gzip or deflate body decoded as the transports decode it; rejects for a corrupt one. */
export function unzipBody(body: Buffer): Promise<Buffer> {
  return unzipAsync(body)
}

/**
 * A body decoded by one `content-encoding` value (gzip, x-gzip, deflate, br; anything else is
 * returned as it is). Synchronous, for a body already in hand; throws for a corrupt one.
 */
export function decodeBody(body: Buffer, contentEncoding: string | undefined): Buffer {
  switch ((contentEncoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body)
    case 'deflate':
      return inflateSync(body)
    case 'br':
      return brotliDecompressSync(body)
    default:
      return body
  }
}
