/**
 * The machine clock, corrected by the offset AWS's responses reveal. SigV4 rejects requests
 * whose `x-amz-date` is more than 5 minutes off the server's time; like the AWS SDKs, we learn
 * the offset from the `Date` header of such a rejection and apply it to every later request.
 *
 * A `Date` header is only as good as whatever sent it (a proxy, a cache), so what is learned is
 * bounded (see MAX_CLOCK_OFFSET_MS) and can be dropped again when it is contradicted.
 */

/**
 * Largest clock offset learned from a `Date` header: 24 hours. SigV4's window is 5 minutes (15
 * for some services); real clock errors are seconds to minutes, and the largest common one, a
 * hardware clock kept in local time but read as UTC, is at most 14 hours. A `Date` further off
 * is more likely wrong (a proxy, a cache) than our clock, and adopting it would make every
 * credential look expired, so nothing would be sent that could correct it.
 */
export const MAX_CLOCK_OFFSET_MS = 24 * 3_600_000

export class SkewCorrectedClock {
  #offsetMs = 0
  readonly #now: () => number
  readonly #maxOffsetMs: number
  readonly #contradicted: (offsetMs: number) => boolean

  /**
   * `contradicted` tells an offset that what is known says cannot be (credentials just fetched
   * would look expired under it: `CredentialCache.contradictedBy`); such an offset is not learned.
   */
  constructor(
    now: () => number = Date.now,
    maxOffsetMs = MAX_CLOCK_OFFSET_MS,
    contradicted: (offsetMs: number) => boolean = () => false,
  ) {
    this.#now = now
    this.#maxOffsetMs = maxOffsetMs
    this.#contradicted = contradicted
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
   * the header is missing or unparseable, puts the server further than the bound from the
   * machine clock (a date no clock error explains, which would make every credential look
   * expired), or is contradicted (see the constructor).
   */
  learnFrom(dateHeader: string | string[] | undefined): boolean {
    const serverTime = httpDate(dateHeader)
    if (serverTime === undefined) return false
    const offset = serverTime - this.#now()
    if (Math.abs(offset) > this.#maxOffsetMs || this.#contradicted(offset)) return false
    this.#offsetMs = offset
    return true
  }

  /** Back to the machine clock. Returns whether there was an offset to drop. */
  reset(): boolean {
    const had = this.#offsetMs !== 0
    this.#offsetMs = 0
    return had
  }
}

/** Epoch milliseconds of an HTTP `Date` header, or undefined when missing or unparseable. */
export function httpDate(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header
  if (!value) return undefined
  const time = Date.parse(value)
  return Number.isNaN(time) ? undefined : time
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** Epoch milliseconds of an `x-amz-date` (`20260101T120000Z`), or undefined. */
export function amzDateTime(value: string | string[] | undefined): number | undefined {
  const match = typeof value === 'string' ? AMZ_DATE.exec(value) : null
  if (match === null) return undefined
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number)
  return Date.UTC(y, mo - 1, d, h, mi, s)
}
