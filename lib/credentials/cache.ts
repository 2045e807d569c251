/**
 * AWS credentials for signing: a cache that asks a provider (or the default Node credential
 * chain) only when it has to.
 *
 * Timing rule, with `m = refreshMarginMs` (default 5 min):
 * - credentials are served from the cache until `expiration - m` ("stale point");
 *   without `expiration` the stale point is `fetchedAt + maxAgeMs` (default 15 min);
 * - from `stale point - m` (i.e. within 2×m of `expiration`) the first `get()` starts a
 *   background refresh and still returns the cached credentials at once; a failed background
 *   refresh keeps the cached ones and is retried at most every 10 s;
 * - past the stale point callers wait for a fresh fetch (single flight).
 * Credentials that arrive with less than 2×m left use half of their remaining life instead of m,
 * so short-lived credentials are still reused rather than fetched on every request.
 *
 * Failures (provider error, invalid or already-expired result, timeout) are never cached: the
 * next get() asks again. The late answer of a timed-out call is discarded.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import { AwsCredentialsError, AwsSigV4AbortError } from '../errors'
import { DEFAULT_CHAIN_MODULE, defaultChainProvider } from './default-chain'
import { awsSdkV2Provider } from './aws-sdk-v2'
import type { CredentialsOption } from './option'
import {
  describeInvalidCredentials,
  errorName,
  isAwsSdkV2Object,
  plainCredentials,
  prototypeHasCredentialFields,
  validateCredentialsOption,
} from './option'
import { redactSecrets } from '../common/redaction'
import type { Secret } from '../common/redaction'
import { REDACTED_SECRET_KEY, REDACTED_TOKEN } from '../common/redaction-marks'
import { isModuleNotFound } from '../common/missing-module'
import { withAbort, withTimeout } from '../common/timeouts'
import {
  checkMilliseconds,
  checkTimeoutMs,
  ownOption,
  resolveOptionTable,
} from '../common/validation'
import type { OptionTable } from '../common/validation'

/** Default `credentialsRefreshMarginMs` / `refreshMarginMs`: 5 minutes. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000

/** Default `credentialsMaxAgeMs` / `maxAgeMs`: 15 minutes. */
export const DEFAULT_MAX_AGE_MS = 15 * 60_000

/** Default `credentialsTimeoutMs` / `providerTimeoutMs`: 10 seconds. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 10_000

/**
 * After a refetch that did not help, how long no rejection fetches credentials again (see
 * exchange/recovery.ts); and how long credentials just fetched are safe from a clock offset: no
 * offset learned meanwhile makes them stale, and none that would make them look expired is
 * learned (`contradictedBy`). 1 minute: a clock offset costs at most one provider call a minute,
 * whatever `Date`s the responses carry.
 */
export const REFETCH_PAUSE_MS = 60_000

/** Pause between background refresh attempts, so a failing provider is not hammered. */
const BACKGROUND_RETRY_MS = 10_000

export interface CredentialCacheOptions {
  /** Stop using credentials this long before their `expiration`. Default 5 minutes. */
  refreshMarginMs?: number
  /**
   * Re-ask a provider after this long when its credentials carry no `expiration`.
   * Default 15 minutes. Static credential objects are never re-asked.
   */
  maxAgeMs?: number
  /** A provider call that takes longer than this fails. Default 10 seconds. */
  providerTimeoutMs?: number
  /**
   * Clock in epoch milliseconds that `expiration` (AWS's time) is compared with; the connection
   * passes its skew-corrected clock. Default `Date.now`.
   */
  now?: () => number
  /**
   * The machine clock, for `maxAgeMs`: the age of credentials without an `expiration` is no
   * AWS time, so a learned clock offset must not make them look older or younger. Default `now`.
   */
  machineNow?: () => number
  /**
   * Called when credentials a provider has just handed over look expired by `now`, or all but
   * (less than REFETCH_PAUSE_MS left, where the machine clock gives them more). They cannot
   * be, in AWS's time: return true when `now` was wrong and is corrected (the connection drops
   * the clock offset it learned), and the credentials are looked at again.
   */
  onExpiredOnArrival?: () => boolean
}

const STATIC_SOURCE = 'static credentials'
const PROVIDER_SOURCE = 'credentials provider function'
const AWS_SDK_V2_SOURCE = 'aws-sdk v2 credentials object'
const DEFAULT_CHAIN_SOURCE = `default credential chain (${DEFAULT_CHAIN_MODULE})`

const HINTS: Record<string, string> = {
  [PROVIDER_SOURCE]: 'check the function passed as the `credentials` option',
  [AWS_SDK_V2_SOURCE]:
    'check the aws-sdk v2 credentials object passed as the `credentials` option (what its ' +
    'getPromise() loads from)',
  [DEFAULT_CHAIN_SOURCE]:
    'check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE and the ' +
    'files ~/.aws/config and ~/.aws/credentials (or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), ' +
    'web identity (AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE), the container or EC2 instance ' +
    'role (IMDS; AWS_EC2_METADATA_DISABLED), or pass the `credentials` option explicitly',
}

/** The chain's code is missing, which no credential setting fixes. */
const MISSING_CHAIN_HINT =
  `install ${DEFAULT_CHAIN_MODULE} where the code runs (it is a dependency of this package; a ` +
  'bundle built with @aws-sdk/* external needs it from the runtime, as Lambda provides it), ' +
  'bundle it in, or pass the `credentials` option'

/** The durations of {@link CredentialCacheOptions}, checked as the connection's options are. */
const CACHE_OPTIONS = {
  refreshMarginMs: { validate: checkMilliseconds, default: DEFAULT_REFRESH_MARGIN_MS },
  maxAgeMs: { validate: checkMilliseconds, default: DEFAULT_MAX_AGE_MS },
  providerTimeoutMs: { validate: checkTimeoutMs, default: DEFAULT_PROVIDER_TIMEOUT_MS },
} as const satisfies OptionTable<
  Omit<CredentialCacheOptions, 'now' | 'machineNow' | 'onExpiredOnArrival'>
>

/** Caches the credentials of one source; one instance per connection pool. */
export class CredentialCache {
  /** Human-readable source, used in error messages. */
  readonly sourceName: string

  // Credentials live only in #private fields so util.inspect / JSON.stringify cannot show them.
  readonly #static: AwsCredentialIdentity | undefined
  readonly #provider: AwsCredentialIdentityProvider | undefined
  readonly #refreshMarginMs: number
  readonly #maxAgeMs: number
  readonly #providerTimeoutMs: number
  readonly #now: () => number
  readonly #machineNow: () => number
  readonly #onExpiredOnArrival: (() => boolean) | undefined
  #entry: CacheEntry | undefined
  /** The credentials fetched last, kept after an invalidate: a provider's error may quote them. */
  #lastFetched: AwsCredentialIdentity | undefined
  #inflight: Promise<CacheEntry> | undefined
  #nextBackgroundAt = 0

  constructor(source: CredentialsOption | undefined, options: CredentialCacheOptions = {}) {
    const durations = resolveOptionTable(CACHE_OPTIONS, options)
    this.#refreshMarginMs = durations.refreshMarginMs
    this.#maxAgeMs = durations.maxAgeMs
    this.#providerTimeoutMs = durations.providerTimeoutMs
    const own = <K extends keyof CredentialCacheOptions>(name: K) =>
      ownOption(options, name) as CredentialCacheOptions[K]
    this.#now = own('now') ?? Date.now
    this.#machineNow = own('machineNow') ?? this.#now
    this.#onExpiredOnArrival = own('onExpiredOnArrival')
    const checked = source === undefined ? undefined : validateCredentialsOption(source)
    if (checked === undefined) {
      this.sourceName = DEFAULT_CHAIN_SOURCE
      this.#provider = defaultChainProvider()
    } else if (typeof checked === 'function') {
      this.sourceName = PROVIDER_SOURCE
      this.#provider = checked
    } else if (isAwsSdkV2Object(checked)) {
      this.sourceName = AWS_SDK_V2_SOURCE
      this.#provider = awsSdkV2Provider(checked)
    } else {
      this.sourceName = STATIC_SOURCE
      // Kept as given (the same object every time), unless it would inherit a field.
      this.#static = prototypeHasCredentialFields() ? plainCredentials(checked) : checked
    }
  }

  /**
   * The credentials to sign with now, when they are at hand without waiting: static ones, or
   * cached ones not yet stale (starting a due background refresh, as `get()` does); otherwise
   * undefined, and the caller waits on `get()`. Lets a request be signed without a promise.
   */
  peek(): AwsCredentialIdentity | undefined {
    if (this.#static !== undefined) return this.#static
    const entry = this.#entry
    if (entry === undefined) return undefined
    const now = this.#clockFor(entry)
    if (now >= entry.staleAt) return undefined
    if (now >= entry.refreshAt && now >= this.#nextBackgroundAt && !this.#inflight) {
      this.#nextBackgroundAt = now + BACKGROUND_RETRY_MS
      // Failure is fine here: the cached credentials stay valid and a later get() retries.
      this.#fetch().catch(() => {})
    }
    return entry.credentials
  }

  /**
   * Resolved credentials; rejects with AwsCredentialsError, or AwsSigV4AbortError on `signal`.
   * `waitMs` (a request's timeout) bounds this caller's wait when it is shorter than the
   * provider timeout; the fetch itself goes on for the others, and its answer is cached.
   */
  get(signal?: AbortSignal, waitMs?: number): Promise<AwsCredentialIdentity> {
    if (signal?.aborted) return Promise.reject(abortError())
    const ready = this.peek()
    if (ready !== undefined) return Promise.resolve(ready)
    const fetched = this.#fetch().then((e) => e.credentials)
    const bounded =
      typeof waitMs === 'number' && waitMs > 0 && waitMs < this.#providerTimeoutMs
        ? withTimeout(fetched, waitMs, () =>
            this.#error(`timed out after ${waitMs} ms, the request's timeout (requestTimeout)`),
          )
        : fetched
    // One caller gives up on a shared fetch without cancelling it for the others.
    return withAbort(bounded, signal, abortError)
  }

  /**
   * Whether a clock offset of `offsetMs` (AWS's time minus the machine's) is contradicted by the
   * credentials just fetched: under it they would look expired, or all but, where the machine
   * clock gives them longer. Those came from AWS (STS) moments ago, so AWS's time is not that far
   * ahead; the clock does not learn such an offset within the refetch pause of the fetch.
   */
  contradictedBy(offsetMs: number): boolean {
    const entry = this.#entry
    if (entry === undefined || entry.expiration === undefined) return false
    const machine = this.#machineNow()
    if (machine - entry.fetchedAt.machine >= REFETCH_PAUSE_MS) return false
    return this.#shortBy(entry.expiration, machine + offsetMs, machine)
  }

  /**
   * Drops the cached credentials (e.g. AWS answered ExpiredToken / InvalidClientTokenId).
   * With `stale`, only if those are still the cached ones, so many failed requests signed with
   * the same credentials cause one refetch. A fetch already in flight is kept and reused.
   */
  invalidate(stale?: AwsCredentialIdentity): void {
    if (this.#entry !== undefined && (stale === undefined || stale === this.#entry.credentials)) {
      this.#entry = undefined
    }
  }

  /** Single flight: every caller shares the one fetch in progress. */
  #fetch(): Promise<CacheEntry> {
    if (this.#inflight === undefined) {
      const fetching = this.#load()
      this.#inflight = fetching
      const clear = (): void => {
        if (this.#inflight === fetching) this.#inflight = undefined
      }
      fetching.then(clear, clear)
    }
    return this.#inflight
  }

  async #load(): Promise<CacheEntry> {
    const fetchedAt = { aws: this.#now(), machine: this.#machineNow() }
    let value: unknown
    try {
      value = await withTimeout(
        this.#callProvider(),
        this.#providerTimeoutMs,
        () => new ProviderTimeout(),
      )
    } catch (err) {
      throw this.#failure(err)
    }
    let entry: CacheEntry
    try {
      const problem = describeInvalidCredentials(value)
      if (problem !== undefined) {
        // A wrong shape is the provider's bug: failing at once beats the client's retries.
        throw this.#error(`returned invalid credentials: ${problem}`, undefined, undefined, false)
      }
      const credentials = plainCredentials(value as object)
      this.#lastFetched = credentials
      entry = this.#entryFor(credentials, fetchedAt)
    } catch (err) {
      if (err instanceof AwsCredentialsError) throw err
      // A getter that answers once and throws the next time, a Date that is a Proxy, …: the
      // provider's bug as well.
      const what = `returned credentials that could not be read (${errorName(err)})`
      throw this.#error(what, undefined, undefined, false)
    }
    this.#entry = entry
    // The pause between background attempts is for failures: new credentials, new schedule.
    this.#nextBackgroundAt = 0
    return entry
  }

  async #callProvider(): Promise<unknown> {
    // Set unless the credentials are static, which are never fetched.
    const provider = this.#provider as AwsCredentialIdentityProvider
    // We decide when to re-ask, so bypass any memoization inside AWS SDK providers.
    return provider({ forceRefresh: true })
  }

  /**
   * The clock an entry is judged on. Credentials with an `expiration` go by AWS's time, but for
   * the refetch pause after their fetch no offset learned since makes them older than the
   * offset they were fetched under: credentials just fetched are never fetched again because of
   * a clock offset.
   */
  #clockFor(entry: CacheEntry): number {
    const now = entry.now()
    if (entry.expiration === undefined) return now
    const machine = this.#machineNow()
    if (machine - entry.fetchedAt.machine >= REFETCH_PAUSE_MS) return now
    return Math.min(now, machine + entry.fetchedAt.aws - entry.fetchedAt.machine)
  }

  /**
   * Less than the refetch pause left before `expiration` at `now`, where `machine` gives more:
   * so short only through a clock offset.
   */
  #shortBy(expiration: number, now: number, machine: number): boolean {
    return expiration - now < REFETCH_PAUSE_MS && expiration - machine >= REFETCH_PAUSE_MS
  }

  #entryFor(
    credentials: AwsCredentialIdentity,
    fetchedAt: { aws: number; machine: number },
    mayCorrect = true,
  ): CacheEntry {
    const expiration = credentials.expiration?.getTime()
    const aws = this.#now()
    const expired = expiration !== undefined && expiration <= aws
    if (
      expiration !== undefined &&
      (expired || this.#shortBy(expiration, aws, this.#machineNow()))
    ) {
      // Fresh credentials are not expired (nor all but) in AWS's time: the clock may be wrong.
      if (mayCorrect && this.#onExpiredOnArrival?.() === true) {
        return this.#entryFor(credentials, { ...fetchedAt, aws: this.#now() }, false)
      }
    }
    if (expired) {
      throw this.#error(
        `returned credentials that already expired at ${credentials.expiration?.toISOString()}` +
          ' (also check the system clock)',
      )
    }
    const margin = this.#refreshMarginMs
    // An expiration is AWS's time; an age is the machine's.
    const now = expiration === undefined ? this.#machineNow : this.#now
    const from = expiration === undefined ? fetchedAt.machine : fetchedAt.aws
    const staleAt =
      expiration === undefined
        ? from + this.#maxAgeMs
        : expiration - Math.min(margin, (expiration - from) / 2)
    const refreshAt = staleAt - Math.min(margin, (staleAt - from) / 2)
    return { credentials, staleAt, refreshAt, now, expiration, fetchedAt }
  }

  /**
   * The provider's failure as AwsCredentialsError, whatever was thrown (a Proxy, a throwing
   * getter): its message quoted (500 characters at most) with every secret this cache knows
   * replaced, and the original kept as `cause` only when it quoted none of them.
   */
  #failure(err: unknown): AwsCredentialsError {
    let quoted: string | undefined
    let missingChain = false
    try {
      if (err instanceof ProviderTimeout) {
        return this.#error(`timed out after ${this.#providerTimeoutMs} ms`)
      }
      missingChain = this.sourceName === DEFAULT_CHAIN_SOURCE && isModuleNotFound(err)
      quoted = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).trim()
    } catch {
      // What it threw cannot even be read (a Proxy, a throwing getter): named by its type only.
    }
    // Redacted whole, then shortened: a secret across the cut would show its start.
    const message = quoted === undefined ? undefined : redactSecrets(quoted, this.#knownSecrets())
    const cause = message !== undefined && message === quoted ? err : undefined
    const what =
      message === undefined
        ? `threw ${errorName(err)}, which could not be read`
        : message.length > 500
          ? `${message.slice(0, 500)}…`
          : // Our message continues with ". To fix: …", so no closing period of its own.
            message.replace(/\.+$/, '')
    return missingChain
      ? this.#error(`could not be loaded: ${what}`, cause, MISSING_CHAIN_HINT)
      : this.#error(`failed: ${what}`, cause)
  }

  /** The secrets a provider's message may quote: those it handed over, and the environment's. */
  #knownSecrets(): Secret[] {
    const secrets: Secret[] = []
    for (const credentials of [this.#static, this.#entry?.credentials, this.#lastFetched]) {
      if (credentials === undefined) continue
      secrets.push({ value: credentials.secretAccessKey, mark: REDACTED_SECRET_KEY })
      if (credentials.sessionToken) {
        secrets.push({ value: credentials.sessionToken, mark: REDACTED_TOKEN })
      }
    }
    const env = process.env
    for (const [name, mark] of [
      ['AWS_SECRET_ACCESS_KEY', REDACTED_SECRET_KEY],
      ['AWS_SESSION_TOKEN', REDACTED_TOKEN],
    ] as const) {
      const value = ownOption(env, name)
      if (typeof value === 'string' && value !== '') secrets.push({ value, mark })
    }
    return secrets
  }

  #error(
    what: string,
    cause?: unknown,
    hint = HINTS[this.sourceName],
    retryable = true,
  ): AwsCredentialsError {
    hint ??= 'check the `credentials` option'
    return new AwsCredentialsError(
      this.sourceName,
      `Could not get AWS credentials from the ${this.sourceName}: ${what}. To fix: ${hint}.`,
      { ...(cause === undefined ? {} : { cause }), ...(retryable ? {} : { retryable }) },
    )
  }
}

interface CacheEntry {
  readonly credentials: AwsCredentialIdentity
  /** From here get() starts one background refresh and still serves these credentials. */
  readonly refreshAt: number
  /** From here get() waits for fresh credentials. */
  readonly staleAt: number
  /** The clock both points are on: AWS's for an `expiration`, the machine's for an age. */
  readonly now: () => number
  readonly expiration: number | undefined
  /** When they were fetched: AWS's time (the clock then) and the machine's. */
  readonly fetchedAt: { readonly aws: number; readonly machine: number }
}

class ProviderTimeout extends Error {}

function abortError(): AwsSigV4AbortError {
  return new AwsSigV4AbortError('Request aborted while waiting for AWS credentials')
}
