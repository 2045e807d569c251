/**
 * Bodies sent with a `content-encoding`: which codings the client's transport decodes itself,
 * and decoding them. One home for the connection (an error body read before the transport sees
 * it), the CLI (`--compressed`) and the emulator (a compressed request body).
 *
 * What the connection and the CLI decode comes from a server and may be a few bytes that
 * inflate to gigabytes, so they decode with a cap: zlib works through the body in chunks, off
 * the main thread, and stops as soon as the output passes the cap.
 */
import { promisify } from 'node:util'
import { brotliDecompress, deflate, gzip, unzip } from 'node:zlib'
import type { ZlibOptions } from 'node:zlib'

type HeaderValue = string | number | readonly string[] | undefined

/** zlib's error for an output past `maxOutputLength`: the body decodes to more than the cap. */
export function isDecodedTooLarge(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE'
}

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

/**
 * A gzip or deflate body decoded as the transports decode it, to at most `maxBytes` (default:
 * no cap but the largest Buffer). Rejects past the cap (see {@link isDecodedTooLarge}), and with
 * zlib's error for a corrupt body.
 */
export function unzipBody(body: Buffer, maxBytes?: number): Promise<Buffer> {
  return promisify<Buffer, ZlibOptions, Buffer>(unzip)(body, { maxOutputLength: maxBytes })
}

/**
 * `body` encoded again as one `content-encoding` value the transports decode (gzip, x-gzip or
 * deflate), for a body that was decoded, changed, and must reach the transport as its header
 * says; undefined for any other value (several codings, br), which is not re-encoded.
 */
export function reencodeBody(
  body: Buffer,
  contentEncoding: HeaderValue,
): Promise<Buffer> | undefined {
  const coding = String(contentEncoding ?? '')
    .trim()
    .toLowerCase()
  const encode = coding === 'deflate' ? deflate : /^(x-)?gzip$/.test(coding) ? gzip : undefined
  return encode && promisify<Buffer, Buffer>(encode)(body)
}

/**
 * A body decoded by one `content-encoding` value (gzip, x-gzip, deflate, br; anything else is
 * returned as it is), to at most `maxBytes`: rejects past it (see {@link isDecodedTooLarge}),
 * and with zlib's error for a corrupt body.
 */
export function decodeBodyCapped(
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  switch ((contentEncoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
    case 'deflate':
      // unzip takes gzip and zlib-wrapped deflate alike, as inflate takes the latter.
      return unzipBody(body, maxBytes)
    case 'br':
      return promisify<Buffer, ZlibOptions, Buffer>(brotliDecompress)(body, {
        maxOutputLength: maxBytes,
      })
    default:
      return Promise.resolve(body)
  }
}
