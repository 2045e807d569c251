/**
 * Responses in the callback lineage (7.x, OpenSearch client): the base connection calls back
 * with the raw `IncomingMessage`, and the transport reads the body itself. To look at a response
 * first (a refusal the exchange classifies and redacts, the product check's answer), the
 * connection reads its bytes here, and hands the transport a stand-in: a byte stream with the
 * status and headers, as much of an `IncomingMessage` as those transports use (`statusCode`,
 * `headers`, `data`/`end`, `setEncoding`, `destroy`). A body read here is decoded, so the
 * stand-in is never compressed.
 *
 * What is read is bounded, in bytes (the body and what it decodes to) and in time (what is
 * left of the request's timeout): a response that never ends, or ends too late, fails in the
 * client's own error classes instead of filling memory.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import type { ConnectionResponse } from '../exchange/types'
import { MAX_READ_BYTES } from '../exchange/responses'
import { isTransportDecoded, reencodeBody, unzipBody } from '../common/content-encoding'
import { AwsSigV4Error } from '../errors'

/** A response whose body has been read. */
export interface BufferedResponse extends ConnectionResponse {
  body: Buffer
}

/**
 * The client's error classes a read fails in, as its base connection and transport fail: a
 * response that broke off (`ConnectionError`), the request's timeout passed (`TimeoutError`), a
 * body larger than what is read (`RequestAbortedError`, as the transport refuses an oversized
 * body). One missing (the client's package not found) is an AwsSigV4Error of that name.
 */
export type ResponseErrors = Partial<
  Record<'ConnectionError' | 'TimeoutError' | 'RequestAbortedError', new (message: string) => Error>
>

export interface ReadLimits {
  /** The most bytes read, and the most a compressed body is decoded to. Default MAX_READ_BYTES. */
  maxBytes?: number
  /** What is left of the request's timeout, in ms; none by default. */
  timeoutMs?: number
  errors?: ResponseErrors
}

/**
 * The length a response declares (`content-length`), or 0 when it declares none (a chunked
 * body). A body declared larger than what the connection reads is left unread, for the client
 * to take or refuse by its own limits (`maxResponseSize`, the memory circuit breaker).
 */
export function declaredLength(headers: IncomingHttpHeaders): number {
  return Number(headers['content-length']) || 0
}

/**
 * Reads a response's body to the end, decoded when it is gzip or deflate (the encodings the
 * transports decode; anything else, or a body that decodes to more than `maxBytes`, stays as it
 * came, header and all). Rejects in the client's classes when the body grows past `maxBytes`,
 * when the time left runs out, or when the response ends early; the response is destroyed then,
 * so nothing more is read.
 */
export async function readResponseBody(
  res: IncomingMessage,
  { maxBytes = MAX_READ_BYTES, timeoutMs, errors = {} }: ReadLimits = {},
): Promise<BufferedResponse> {
  const raw = await collect(res, maxBytes, timeoutMs, errors)
  const headers: IncomingHttpHeaders = { ...res.headers }
  let body = raw
  if (isTransportDecoded(headers['content-encoding'])) {
    try {
      body = await unzipBody(raw, maxBytes)
      delete headers['content-encoding']
    } catch {
      // Corrupt, or more than is read: the transport decodes it as it would have without us.
    }
  }
  return { statusCode: res.statusCode ?? 0, headers, body }
}

/** A stream the transport reads like the response it stands in for, with `response.body` as its bytes. */
export function standInResponse(response: ConnectionResponse): IncomingMessage {
  const body = response.body
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : '', 'utf8')
  const stream = new Readable({ read() {} })
  stream.push(bytes)
  stream.push(null)
  return Object.assign(stream, {
    statusCode: response.statusCode,
    headers: { ...response.headers, 'content-length': String(bytes.length) },
  }) as unknown as IncomingMessage
}

/**
 * Replaces secrets in an error body that the transport reads itself, in the very response the
 * base handed over (it stays the same object, unread by us): the chunks the HTTP parser pushes
 * into it are held, up to `maxBytes`, and pushed on with `redact` applied once the body is
 * complete (a compressed one decoded to at most `maxBytes` and, when a secret was replaced,
 * encoded again as its header says). A body longer than `maxBytes` is no refusal quoting a
 * request: what was held is pushed on as it came, and the rest flows through untouched.
 *
 * Only possible before any of the body was pushed (the base calls back as the headers arrive);
 * returns false, changing nothing, for a response that already holds body bytes.
 */
export function redactWhileRead(
  res: IncomingMessage,
  redact: (text: string) => string,
  maxBytes: number,
): boolean {
  if (res.readableLength > 0 || res.readableEnded || res.complete) return false
  const push = res.push.bind(res)
  const held: Buffer[] = []
  let size = 0
  /** Holding the body; finishing it (redacting what was held); or letting it flow as it comes. */
  let state: 'holding' | 'finishing' | 'passing' = 'holding'
  const release = (body: Buffer, end: boolean): boolean => {
    state = 'passing'
    const more = body.length === 0 || push(body)
    return end ? push(null) : more
  }
  res.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (state === 'passing') return push(chunk, encoding)
    // The end once more (a socket closing after a complete message): ours comes after the body.
    if (state === 'finishing') return false
    if (chunk === null) {
      state = 'finishing'
      const raw = Buffer.concat(held, size)
      redactedBody(raw, res.headers['content-encoding'], redact, maxBytes).then(
        (body) => release(body, true),
        () => release(raw, true),
      )
      return false
    }
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding)
    held.push(bytes)
    size += bytes.length
    return size <= maxBytes || release(Buffer.concat(held, size), false)
  }
  return true
}

async function redactedBody(
  raw: Buffer,
  contentEncoding: string | undefined,
  redact: (text: string) => string,
  maxBytes: number,
): Promise<Buffer> {
  // Corrupt, or too large to look at: the transport decodes it as it would have without us.
  const compressed = isTransportDecoded(contentEncoding)
  const text = (compressed ? await unzipBody(raw, maxBytes) : raw).toString('utf8')
  const out = redact(text)
  if (out === text) return raw
  const bytes = Buffer.from(out, 'utf8')
  return compressed ? ((await reencodeBody(bytes, contentEncoding)) ?? raw) : bytes
}

function collect(
  res: IncomingMessage,
  maxBytes: number,
  timeoutMs: number | undefined,
  errors: ResponseErrors,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let total = 0
    let done = false
    const fail = (name: keyof ResponseErrors, message: string): void => {
      const Class = errors[name]
      finish(Class ? new Class(message) : Object.assign(new AwsSigV4Error(message), { name }))
    }
    const finish = (err?: Error): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      res.off('data', onData)
      if (err === undefined) return resolve(Buffer.concat(chunks, total))
      res.destroy()
      reject(err)
    }
    const onData = (chunk: Buffer): void => {
      total += chunk.length
      if (total <= maxBytes) chunks.push(chunk)
      else fail('RequestAbortedError', `The response body is bigger than ${maxBytes} bytes`)
    }
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => fail('TimeoutError', 'Request timed out'), Math.max(0, timeoutMs))
    res.on('data', onData)
    res.once('end', () => finish())
    // `on`, not `once`: destroying the response may emit a second error, which must not go unheard.
    res.on('error', (err) => fail('ConnectionError', err.message))
    res.once('aborted', () => fail('ConnectionError', 'Response aborted while reading the body'))
    res.once('close', () => {
      if (!res.complete) fail('ConnectionError', 'Response closed before its end')
    })
  })
}
