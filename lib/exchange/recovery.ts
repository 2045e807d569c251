/**
 * What a refused request teaches, and whether a re-signed retry would send anything new. It
 * is learned whether or not the retry follows (`retryOnAwsRejection`, a stream sent unsigned,
 * a streamed response): rejected credentials are dropped, a skewed clock is corrected.
 *
 * - An expired/invalid token: the credentials are dropped and fresh ones fetched; a retry only
 *   when they differ (key or token), so static credentials, or a provider that hands back the
 *   same key, cost one attempt.
 * - A skewed clock ("Signature expired" / "not yet current"): the offset is learned from the
 *   response's `Date` (bounded, see credentials/clock.ts); a `Date` that agrees with the refused
 *   `x-amz-date` contradicts the rejection, so an offset we applied is dropped instead.
 * - OpenSearch Serverless's bare 403 (no reason given): a `Date` more than 4 minutes from the
 *   `x-amz-date` means the clock; otherwise it is handled as rejected credentials.
 *
 * A permanent 403 (an access policy) must not make every request fetch credentials: once a
 * request signed after a refetch was asked for is rejected too, that refetch did not help, and
 * no rejection fetches credentials for REFETCH_PAUSE_MS. Requests signed before it, with the
 * credentials rejected first, share the one refetch (the cache drops them once and fetches once
 * for everyone).
 */
import type { AwsCredentialIdentity } from '@smithy/types'
import type { CredentialCache } from '../credentials/cache'
import { REFETCH_PAUSE_MS } from '../credentials/cache'
import type { ReadResponse } from './responses'
import type { ConnectionResponse, SignedTransportRequest } from './types'
import { SkewCorrectedClock, amzDateTime, httpDate } from '../credentials/clock'
import { AMZ_DATE_HEADER } from '../sigv4/constants'

/**
 * A 403 whose `Date` is more than this from the `x-amz-date` we signed came from a clock off by
 * that much: 4 minutes, under the 5 of AWS's window, so the time the answer took does not count.
 */
export const CLOCK_SKEW_SIGNAL_MS = 4 * 60_000

/**
 * After credentials fetched because of a rejection are themselves rejected, refetching does not
 * help (an access policy, not the credentials, refuses): later rejections fetch no credentials
 * for this long. 1 minute, so a permanent 403 costs at most one provider call a minute. The
 * credential cache keeps credentials just fetched safe from clock offsets for as long.
 */
export { REFETCH_PAUSE_MS }

export interface RecoveryOptions {
  credentials: CredentialCache
  clock: SkewCorrectedClock
  /** The machine clock the refetch pause is measured on; injectable for tests. */
  now?: () => number
  /** Default REFETCH_PAUSE_MS. */
  refetchPauseMs?: number
}

export interface LearnOptions {
  /** A retry may follow: fetch the fresh credentials now, to tell whether they are new. */
  retry: boolean
  /** {@link Recovery.stamp} taken before the request was signed. */
  signedAt: Stamp
  signal?: AbortSignal
}

/** What a response's `Date` says of the `x-amz-date` a request was signed with. */
type ClockReading =
  /** Missing or unreadable on either side: nothing can be told. */
  | 'unknown'
  /** Within CLOCK_SKEW_SIGNAL_MS: the clock was not the problem. */
  | 'agrees'
  /** Further off, and the offset was learned. */
  | 'learned'
  /** Further off, but by more than any clock error (see credentials/clock.ts): not learned. */
  | 'implausible'

/** Learns from refusals for every connection of one connection class. */
export class Recovery {
  readonly #credentials: CredentialCache
  readonly #clock: SkewCorrectedClock
  readonly #gate: RefetchGate

  constructor(options: RecoveryOptions) {
    this.#credentials = options.credentials
    this.#clock = options.clock
    this.#gate = new RefetchGate(
      options.now ?? Date.now,
      options.refetchPauseMs ?? REFETCH_PAUSE_MS,
    )
  }

  /** What to pass as `signedAt`: take it before signing a request. */
  stamp(): Stamp {
    return this.#gate.stamp()
  }

  /** Learns from a refused response; resolves whether a re-signed retry would send something new. */
  async learn(
    { response, rejection }: ReadResponse,
    signed: SignedTransportRequest,
    options: LearnOptions,
  ): Promise<boolean> {
    switch (rejection?.kind) {
      case 'credentials-rejected':
        return this.#credentialsRejected(signed, options)
      case 'clock-skew':
        return this.#clockSkew(response, signed)
      case 'unexplained': {
        const clock = this.#readClock(response, signed)
        if (clock === 'learned') return true
        return this.#credentialsRejected(signed, options)
      }
      default:
        return false
    }
  }

  /**
   * Learns from a response the caller reads as a stream. Its body cannot be read here, so
   * nothing tells a rejected token from an access policy and the credentials are kept; but a
   * 403 whose `Date` is minutes from the `x-amz-date` sent tells how far off the clock is.
   */
  learnFromStream(response: ConnectionResponse, signed: SignedTransportRequest): void {
    if (response.statusCode === 403) this.#readClock(response, signed)
  }

  async #credentialsRejected(
    signed: SignedTransportRequest,
    { retry, signedAt, signal }: LearnOptions,
  ): Promise<boolean> {
    const refused = signed.credentials
    if (!this.#gate.allows(refused, signedAt)) return false
    this.#gate.note(refused)
    this.#credentials.invalidate(refused)
    if (!retry) return false
    return !sameIdentity(await this.#credentials.get(signal), refused)
  }

  #clockSkew(response: ConnectionResponse, signed: SignedTransportRequest): boolean {
    const reading = this.#readClock(response, signed)
    // Refused for the clock by a server whose Date says our date was right: that Date is not
    // the verifier's clock, so neither was what we learned from such a Date before.
    if (reading === 'agrees') return this.#clock.reset()
    return reading === 'learned'
  }

  #readClock(response: ConnectionResponse, signed: SignedTransportRequest): ClockReading {
    const server = httpDate(response.headers.date)
    const sent = amzDateTime(signed.params.headers[AMZ_DATE_HEADER])
    if (server === undefined || sent === undefined) return 'unknown'
    if (Math.abs(server - sent) <= CLOCK_SKEW_SIGNAL_MS) return 'agrees'
    return this.#clock.learnFrom(response.headers.date) ? 'learned' : 'implausible'
  }
}

/** The same key and session token: signing again with them sends nothing new. */
export function sameIdentity(a: AwsCredentialIdentity, b: AwsCredentialIdentity): boolean {
  return a.accessKeyId === b.accessKeyId && a.sessionToken === b.sessionToken
}

/** Orders a request's signing against the refetches asked for (a sequence, not a time). */
export type Stamp = number

/**
 * Whether a rejection may still fetch credentials. A request signed before the last refetch
 * was asked for, with the credentials that triggered it, may: it shares that refetch. Any other
 * rejected within the pause was signed since, with what the refetch gave, and rejected all the
 * same (also when the provider handed back the very same credentials).
 */
export class RefetchGate {
  readonly #now: () => number
  readonly #pauseMs: number
  #sequence = 0
  #last: { trigger: AwsCredentialIdentity; stamp: Stamp; at: number } | undefined

  constructor(now: () => number, pauseMs: number) {
    this.#now = now
    this.#pauseMs = pauseMs
  }

  stamp(): Stamp {
    return ++this.#sequence
  }

  allows(refused: AwsCredentialIdentity, signedAt: Stamp): boolean {
    const last = this.#last
    if (last === undefined || this.#now() - last.at >= this.#pauseMs) return true
    return refused === last.trigger && signedAt < last.stamp
  }

  /** A refetch is asked for because `refused` was rejected (only when {@link allows} said so). */
  note(refused: AwsCredentialIdentity): void {
    const last = this.#last
    const sameWave = last?.trigger === refused && this.#now() - last.at < this.#pauseMs
    if (!sameWave) this.#last = { trigger: refused, stamp: this.stamp(), at: this.#now() }
  }
}
