/**
 * The bound on request bodies held in memory across every request in flight (`maxBufferedBytes`).
 * A body is admitted when its bytes fit; otherwise its request waits, first come first served,
 * for bodies ahead of it to be done, up to `waitMs`, and is then refused (the proxy answers 503
 * with `Retry-After`). While it waits its body is not read, so the client is held back by TCP.
 */

import type { Departure } from './departure'

/** A request waited `waitMs` for room and got none. */
export class BudgetTimeoutError extends Error {
  override name = 'BudgetTimeoutError'
}

interface Waiter {
  bytes: number
  resolve: () => void
  reject: (err: unknown) => void
  timer: ReturnType<typeof setTimeout>
}

export class ByteBudget {
  readonly limit: number
  readonly #waitMs: number
  readonly #queue: Waiter[] = []
  #inUse = 0
  #peak = 0

  constructor(limit: number, waitMs: number) {
    this.limit = limit
    this.#waitMs = waitMs
  }

  /** Bytes held now. */
  get inUse(): number {
    return this.#inUse
  }

  /** The most bytes ever held at once. */
  get peak(): number {
    return this.#peak
  }

  /** Requests waiting for room. */
  get waiting(): number {
    return this.#queue.length
  }

  /** Takes `bytes` at once if they fit and nobody waits ahead; whether it did. */
  tryTake(bytes: number): boolean {
    if (this.#queue.length > 0 || this.#inUse + bytes > this.limit) return false
    this.#hold(bytes)
    return true
  }

  /**
   * Takes `bytes`, waiting in line for room; rejects with BudgetTimeoutError after `waitMs`, with
   * RangeError when they could never fit, or with the departure's reason when the client goes.
   */
  take(bytes: number, departure?: Departure): Promise<void> {
    if (bytes > this.limit) {
      return Promise.reject(
        new RangeError(`${bytes} bytes exceed the whole budget (${this.limit})`),
      )
    }
    if (departure?.gone) return Promise.reject(departure.reason)
    if (this.tryTake(bytes)) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const leave = (err: unknown): void => {
        undo?.()
        this.#remove(waiter)
        reject(err)
      }
      const waiter: Waiter = {
        bytes,
        resolve: () => {
          undo?.()
          resolve()
        },
        reject,
        timer: setTimeout(
          () =>
            leave(new BudgetTimeoutError(`no room for ${bytes} bytes within ${this.#waitMs} ms`)),
          this.#waitMs,
        ),
      }
      const undo = departure?.onLeave(() => leave(departure.reason))
      this.#queue.push(waiter)
    })
  }

  /** Gives back `bytes` taken before, and lets in whoever now fits, in order. */
  give(bytes: number): void {
    this.#inUse = Math.max(0, this.#inUse - bytes)
    while (this.#queue.length > 0 && this.#inUse + this.#queue[0].bytes <= this.limit) {
      const next = this.#queue.shift() as Waiter
      clearTimeout(next.timer)
      this.#hold(next.bytes)
      next.resolve()
    }
  }

  #hold(bytes: number): void {
    this.#inUse += bytes
    if (this.#inUse > this.#peak) this.#peak = this.#inUse
  }

  #remove(waiter: Waiter): void {
    clearTimeout(waiter.timer)
    const at = this.#queue.indexOf(waiter)
    if (at >= 0) this.#queue.splice(at, 1)
    // The one that left may have held back smaller ones behind it.
    this.give(0)
  }
}
