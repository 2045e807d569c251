/**
 * A request body read into memory for its payload hash, within the bounds: at most
 * `maxBodyBytes` for the request, and room taken in the budget shared by every request in flight
 * before its bytes are read (the whole declared length up front, or chunk by chunk for a body of
 * unknown length).
 */
import type { IncomingMessage } from 'node:http'
import type { ByteBudget } from './budget'

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
  signal?: AbortSignal
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
  const { maxBodyBytes, budget, signal, beforeRead } = limits
  const declared = declaredLength(req)
  if (declared !== undefined && declared > maxBodyBytes) throw new BodyTooLargeError(maxBodyBytes)
  let held = 0
  try {
    if (declared !== undefined) {
      await budget.take(declared, signal)
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
      if (!budget.tryTake(chunk.length)) await budget.take(chunk.length, signal)
      held += chunk.length
      chunks.push(chunk)
    }
    return { body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total), held }
  } catch (err) {
    budget.give(held)
    throw err
  }
}

/** Reads `length` bytes into one buffer allocated up front: no second copy of a large body. */
async function readExactly(req: IncomingMessage, length: number): Promise<Buffer> {
  const body = Buffer.allocUnsafe(length)
  let offset = 0
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (offset + chunk.length > length) throw new BodyIncompleteError('more bytes than declared')
      chunk.copy(body, offset)
      offset += chunk.length
    }
  } catch (err) {
    if (err instanceof BodyIncompleteError) throw err
    throw new BodyIncompleteError(`the client went away while sending its body`)
  }
  if (offset !== length) {
    throw new BodyIncompleteError(`the body ended after ${offset} of ${length} bytes`)
  }
  return body
}
