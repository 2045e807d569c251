/**
 * The machine clock, corrected by the offset AWS's responses reveal. SigV4 rejects requests
 * whose `x-amz-date` is more than 5 minutes off the server's time; like the AWS SDKs, we learn
 * the offset from the `Date` header of such a rejection and apply it to every later request.
 */
export class SkewCorrectedClock {
  #offsetMs = 0
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  /** Milliseconds to add to the machine clock to get the server's time. */
  get offsetMs(): number {
    return this.#offsetMs
  }

  now(): Date {
    return new Date(this.#now() + this.#offsetMs)
  }

  /**
   * Adopts the server's time from an HTTP `Date` header. Returns false, changing nothing, when
   * the header is missing or unparseable.
   */
  learnFrom(dateHeader: string | string[] | undefined): boolean {
    const value = Array.isArray(dateHeader) ? dateHeader[0] : dateHeader
    if (!value) return false
    const serverTime = Date.parse(value)
    if (Number.isNaN(serverTime)) return false
    this.#offsetMs = serverTime - this.#now()
    return true
  }
}
