/**
 * A request body read into memory for its payload hash, within the bounds: at most
 * `maxBodyBytes` for the request, and room taken in the budget shared by every request in flight
 * before its bytes are read (the whole declared length up front, or chunk by chunk for a body of
 * unknown length).
 */
import type { IncomingMessage } from 'node:http'
import type { ByteBudget } from './budget'
import type { Departure } from './departure'

/** The body is larger than `maxBodyBytes` (the proxy answers 413). */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError'
  constructor(readonly maxBodyBytes: number) {
    super(`the request body is larger than ${maxBodyBytes} bytes`)
  }
}

/** The client sent fewer bytes than its Content-Length said, or went away. */
export class BodyIncompleteError extends Error {
  override name = 'BodyIncompleteError'
}

export interface BodyLimits {
  maxBodyBytes: number
  budget: ByteBudget
  departure?: Departure
  /** Called once room is taken, before the first byte is read (to send `100 Continue`). */
  beforeRead?: () => void
}

/** What was read, and how many bytes of the budget it holds until given back. */
export interface HeldBody {
  body: Buffer
  held: number
}

/** The length the request declares, or undefined (chunked, or none given). */
export function declaredLength(req: IncomingMessage): number | undefined {
  const value = req.headers['content-length']
  if (value === undefined || req.headers['transfer-encoding'] !== undefined) return undefined
  const length = Number(value)
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined
}

/** Whether the request carries a body at all (a length, or chunks). */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (declaredLength(req) ?? 0) > 0
}

/**
 * Reads the whole body. A declared length over the cap fails before a byte is read. On failure
 * whatever was taken from the budget is given back; on success the caller gives back `held`
 * once the body is no longer needed.
 */
export async function readHeldBody(req: IncomingMessage, limits: BodyLimits): Promise<HeldBody> {
  const { maxBodyBytes, budget, departure, beforeRead } = limits
  const declared = declaredLength(req)
  if (declared !== undefined && declared > maxBodyBytes) throw new BodyTooLargeError(maxBodyBytes)
  let held = 0
  try {
    if (declared !== undefined) {
      if (!budget.tryTake(declared)) await budget.take(declared, departure)
      held = declared
      beforeRead?.()
      return { body: await readExactly(req, declared), held }
    }
    const chunks: Buffer[] = []
    let total = 0
    beforeRead?.()
    for await (const chunk of req as AsyncIterable<Buffer>) {
      total += chunk.length
      if (total > maxBodyBytes) throw new BodyTooLargeError(maxBodyBytes)
      if (!budget.tryTake(chunk.length)) await budget.take(chunk.length, departure)
      held += chunk.length
      chunks.push(chunk)
    }
    return { body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total), held }
  } catch (err) {
    budget.give(held)
    throw err
  }
}

/**
 * Reads `length` bytes: the one chunk they came in, or one buffer allocated up front that the
 * chunks are copied into (no second copy of a large body). Events, not an async iterator: this
 * is every request's path.
 */
function readExactly(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let single: Buffer | undefined
    let buffer: Buffer | undefined
    let offset = 0
    const done = (err?: Error): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('close', onClose)
      if (err === undefined) resolve(single ?? buffer ?? Buffer.alloc(0))
      else reject(err)
    }
    const onData = (chunk: Buffer): void => {
      if (offset + chunk.length > length) {
        done(new BodyIncompleteError('more bytes than declared'))
        return
      }
      if (offset === 0 && chunk.length === length) single = chunk
      else chunk.copy((buffer ??= Buffer.allocUnsafe(length)), offset)
      offset += chunk.length
    }
    const onEnd = (): void =>
      done(
        offset === length
          ? undefined
          : new BodyIncompleteError(`the body ended after ${offset} of ${length} bytes`),
      )
    const onError = (): void =>
      done(new BodyIncompleteError('the client went away while sending its body'))
    const onClose = (): void => {
      if (!req.complete) onError()
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('close', onClose)
  })
}
