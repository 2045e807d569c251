import type { Readable } from 'node:stream'
import type { RequestBody } from './types'
import type { ChecksumConstructor } from '../sigv4/sha256'
import { NodeSha256, sha256Hex, sha256HexNow } from '../sigv4/sha256'
import { OFFLOAD_MIN_BYTES, sha256Worker } from '../sigv4/sha256-worker'
import { EMPTY_PAYLOAD_SHA256, UNSIGNED_PAYLOAD } from '../sigv4/constants'

/** Default cap for buffering a stream body so it can be hashed: 100 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024
import { AwsSigV4AbortError, AwsSigV4RequestError } from '../errors'
import { withAbort } from '../common/timeouts'

export interface PayloadOptions {
  /** Largest stream body that is buffered and hashed. */
  maxBodyBytes: number
  /**
   * `true`: never hash (`UNSIGNED-PAYLOAD` with or without a body); `'streams'`: do not hash
   * stream bodies; `false`: hash all.
   */
  unsignedPayload: boolean | 'streams'
  sha256?: ChecksumConstructor
  signal?: AbortSignal
}

export interface PreparedPayload {
  /** What to send: the original body, or the bytes a stream was buffered into. */
  body: RequestBody
  /** The value of `x-amz-content-sha256`. */
  hash: string
  /** Set when a stream was buffered, so the sent length is known. */
  contentLength?: number
}

/**
 * Hashes the body (buffering a stream first) or marks it unsigned, as configured. A body of
 * {@link OFFLOAD_MIN_BYTES} or more is hashed off the main thread with Node's hash, and a string
 * that long is encoded to UTF-8 once: those bytes are hashed and sent.
 */
export async function preparePayload(
  body: RequestBody,
  options: PayloadOptions,
): Promise<PreparedPayload> {
  const { sha256, unsignedPayload, signal } = options
  const native = sha256 === undefined || sha256 === NodeSha256
  if (isReadable(body)) {
    if (unsignedPayload !== false) return { body, hash: UNSIGNED_PAYLOAD }
    const bytes = await bufferStream(body, options.maxBodyBytes, signal)
    const hash =
      native && bytes.length >= OFFLOAD_MIN_BYTES
        ? await untilAborted(sha256Worker.hashBytes(bytes, signal), signal)
        : await sha256Hex(bytes, sha256)
    return { body: bytes, hash, contentLength: bytes.length }
  }
  if (unsignedPayload === true || isEmpty(body)) return preparePayloadNow(body, unsignedPayload)
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) throw unsignableBody(body)
  if (body.length < OFFLOAD_MIN_BYTES) {
    // Only a custom hash needs the wait; Node's own hashes a small body now.
    return native
      ? preparePayloadNow(body, unsignedPayload)
      : { body, hash: await sha256Hex(body, sha256) }
  }
  if (typeof body === 'string') {
    if (native) {
      const { hex, bytes } = await untilAborted(sha256Worker.hashText(body, signal), signal)
      return { body: bytes, hash: hex }
    }
    const bytes = Buffer.from(body, 'utf8')
    return { body: bytes, hash: await sha256Hex(bytes, sha256) }
  }
  const hash = native
    ? await untilAborted(sha256Worker.hashBytes(body, signal), signal)
    : await sha256Hex(body, sha256)
  return { body, hash }
}

/**
 * Whether the body's hash is waited for (off the main thread) rather than taken now by
 * {@link preparePayloadNow}: a string or bytes of {@link OFFLOAD_MIN_BYTES} or more, to hash.
 */
export function hashesOffThread(body: RequestBody, unsignedPayload: boolean | 'streams'): boolean {
  return (
    unsignedPayload !== true &&
    (typeof body === 'string' || body instanceof Uint8Array) &&
    body.length >= OFFLOAD_MIN_BYTES
  )
}

/** The promise's value, or an abort error as soon as the signal fires (the work is dropped). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return withAbort(promise, signal, () => new AwsSigV4AbortError())
}

/**
 * The payload of a body that needs no reading (none, a string, bytes), hashed now with Node's
 * native SHA-256, or marked unsigned. A stream has to be read first: {@link preparePayload}.
 */
export function preparePayloadNow(
  body: RequestBody,
  unsignedPayload: boolean | 'streams',
): PreparedPayload {
  if (isEmpty(body)) return emptyPayload(body, unsignedPayload)
  if (typeof body === 'string' || body instanceof Uint8Array) {
    return { body, hash: unsignedPayload === true ? UNSIGNED_PAYLOAD : sha256HexNow(body) }
  }
  throw unsignableBody(body)
}

function isEmpty(body: RequestBody): body is null | undefined | '' {
  return body === undefined || body === null || body === ''
}

function emptyPayload(
  body: null | undefined | '',
  unsignedPayload: boolean | 'streams',
): PreparedPayload {
  // A service that takes no payload signing (VPC Lattice) refuses the empty hash as well.
  return { body, hash: unsignedPayload === true ? UNSIGNED_PAYLOAD : EMPTY_PAYLOAD_SHA256 }
}

function unsignableBody(body: unknown): AwsSigV4RequestError {
  return new AwsSigV4RequestError(
    `Cannot sign a request body of type ${typeof body}: expected a string, Buffer or Readable stream. Nothing was sent.`,
  )
}

export function isReadable(value: unknown): value is Readable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Readable).pipe === 'function' &&
    typeof (value as Readable)[Symbol.asyncIterator] === 'function'
  )
}

/**
 * Reads a stream into one Buffer, failing as soon as it grows past `cap` (the stream is then
 * destroyed, so no half-read body is left behind) or the signal fires.
 */
export async function bufferStream(
  stream: Readable,
  cap: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  const onAbort = (): void => {
    stream.destroy(new AwsSigV4AbortError())
  }
  if (signal?.aborted) onAbort()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    for await (const chunk of stream) {
      const buf: Buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string | Uint8Array)
      total += buf.length
      if (total > cap) {
        stream.destroy()
        throw new AwsSigV4RequestError(
          `The request body stream is larger than maxBodyBytes (${cap} bytes), so it cannot be buffered ` +
            "and hashed for signing. Raise maxBodyBytes, or set unsignedPayload: 'streams' if the " +
            'service accepts unsigned payloads. Nothing was sent.',
        )
      }
      chunks.push(buf)
    }
  } catch (err) {
    if (err instanceof AwsSigV4RequestError || err instanceof AwsSigV4AbortError) throw err
    if (signal?.aborted) throw new AwsSigV4AbortError()
    throw new AwsSigV4RequestError(
      `The request body stream failed while it was read for signing: ${(err as Error).message}. Nothing was sent.`,
      { cause: err },
    )
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total)
}
