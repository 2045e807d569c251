/**
 * One signed exchange with the service: sign the request, send it through the base connection,
 * read the answer, learn from an AWS rejection (recovery.ts), and retry once, re-signed, when
 * that sends something new. Independent of the client lineage: the base connection is reached
 * only through `send`, so the promise-based 8.x/9.x connections and the callback-based 7.x
 * ones share this flow.
 */
import type { ChecksumConstructor } from '../sigv4/sha256'
import type { CredentialsOption } from '../credentials/option'
import { CredentialCache } from '../credentials/cache'
import { MAX_CLOCK_OFFSET_MS, SkewCorrectedClock } from '../credentials/clock'
import { RequestSigner } from './request-signer'
import type {
  ConnectionContext,
  ConnectionResponse,
  SignedTransportRequest,
  TransportRequest,
} from './types'
import type { ReadResponse } from './responses'
import {
  MAX_READ_BYTES,
  readResponse,
  withResponseHint,
  withServiceHint,
  withSignatureDebug,
} from './responses'
import { Recovery } from './recovery'
import { withoutEchoedSecretsInHeaders } from './secret-views'
import type { Stamp } from './recovery'

export interface ExchangeOptions {
  signer: RequestSigner
  credentials: CredentialCache
  /** The skew-corrected clock the signer dates requests with. */
  clock: SkewCorrectedClock
  retryOnAwsRejection: boolean
  debugSignatureMismatch: boolean
  /**
   * Put hints into OpenSearch Serverless's bare refusal's body for the client's error message:
   * its `x-aoss-response-hint`, and the service to sign for (`withResponseHint`,
   * `withServiceHint`). Default `true`; the signing proxy passes refusals on as they came.
   */
  addResponseHint?: boolean
}

/** What {@link createExchanges} builds the signing of one connection class (or one proxy) from. */
export interface SigningConfig {
  /** Static credentials, a provider, or undefined for the default chain. */
  credentials: CredentialsOption | undefined
  sha256: ChecksumConstructor
  maxBodyBytes: number
  credentialsRefreshMarginMs: number
  credentialsMaxAgeMs: number
  credentialsTimeoutMs: number
  retryOnAwsRejection: boolean
  debugSignatureMismatch: boolean
  addResponseHint?: boolean
}

/**
 * The one way signing is put together: a skew-corrected clock, a credential cache on it (whose
 * expirations are AWS's time), the signer dating requests with it, and the exchanges that learn
 * from refusals into both. The connection classes and the signing proxy both start here.
 */
export function createExchanges(config: SigningConfig): Signing {
  // Expirations are AWS's time, so they are compared with the skew-corrected clock; and the
  // credentials just fetched say which offsets cannot be AWS's (a far-future Date).
  const clock = new SkewCorrectedClock(Date.now, MAX_CLOCK_OFFSET_MS, (offsetMs) =>
    credentials.contradictedBy(offsetMs),
  )
  const credentials: CredentialCache = new CredentialCache(config.credentials, {
    now: () => clock.now().getTime(),
    machineNow: Date.now,
    refreshMarginMs: config.credentialsRefreshMarginMs,
    maxAgeMs: config.credentialsMaxAgeMs,
    providerTimeoutMs: config.credentialsTimeoutMs,
    // Fresh credentials that look expired only through a learned offset prove it wrong.
    onExpiredOnArrival: () => clock.reset(),
  })
  const signer = new RequestSigner({
    credentials,
    sha256: config.sha256,
    maxBodyBytes: config.maxBodyBytes,
    now: () => clock.now(),
  })
  const exchanges = new Exchanges({
    signer,
    credentials,
    clock,
    retryOnAwsRejection: config.retryOnAwsRejection,
    debugSignatureMismatch: config.debugSignatureMismatch,
    ...(config.addResponseHint === undefined ? {} : { addResponseHint: config.addResponseHint }),
  })
  return { exchanges, credentials, clock }
}

/** The exchanges, and the cache and clock they share (to warm the cache, to read the offset). */
export interface Signing {
  exchanges: Exchanges
  credentials: CredentialCache
  clock: SkewCorrectedClock
}

/** Sends a signed request through the base connection and resolves with its response. */
export type Send = (signed: SignedTransportRequest) => Promise<ConnectionResponse>

export interface ExchangeRequest {
  params: TransportRequest
  context: ConnectionContext
  signal?: AbortSignal
  /**
   * The caller reads the body as a stream: it is neither redacted nor classified, and only the
   * clock is learned from a 403 (see `Recovery.learnFromStream`).
   */
  asStream?: boolean
  /** The request's timeout (the client's `requestTimeout`), in ms: bounds the wait for credentials. */
  timeoutMs?: number
  /**
   * The client's `maxResponseSize`: a refusal's body is read (and decoded) only up to the smaller
   * of it and MAX_READ_BYTES.
   */
  maxResponseBytes?: number
}

/** Runs exchanges for every connection of one connection class (one cache, one clock). */
export class Exchanges {
  readonly #options: ExchangeOptions
  readonly #recovery: Recovery

  constructor(options: ExchangeOptions, recovery?: Recovery) {
    this.#options = options
    this.#recovery =
      recovery ?? new Recovery({ credentials: options.credentials, clock: options.clock })
  }

  /**
   * Signs, sends, and on a refusal learns and retries once. A request that can be signed at
   * once (see `RequestSigner.signSync`, nearly every one) goes out in the same tick, and a
   * success comes back through one promise: this is every request's path.
   */
  run(request: ExchangeRequest, send: Send): Promise<ConnectionResponse> {
    const signedAt = this.#recovery.stamp()
    try {
      const signed = this.#options.signer.signSync(request.params, request.context, request.signal)
      if (signed !== undefined) {
        return send(signed).then((response) =>
          this.#answered(request, send, signed, signedAt, response),
        )
      }
    } catch (err) {
      return Promise.reject(err)
    }
    return this.#signThenSend(request, send, signedAt)
  }

  /** The same, for a request whose signing waits (credentials to fetch, a stream to read). */
  async #signThenSend(
    request: ExchangeRequest,
    send: Send,
    signedAt: Stamp,
  ): Promise<ConnectionResponse> {
    const { params, context, signal, timeoutMs } = request
    const signed = await this.#options.signer.sign(params, context, signal, timeoutMs)
    return this.#answered(request, send, signed, signedAt, await send(signed))
  }

  /** A first answer: passed on as it is, unless it is a refusal to read and learn from. */
  #answered(
    request: ExchangeRequest,
    send: Send,
    signed: SignedTransportRequest,
    signedAt: Stamp,
    answer: ConnectionResponse,
  ): ConnectionResponse | Promise<ConnectionResponse> {
    const response = withHeadersRedacted(answer, signed)
    if (request.asStream) {
      this.#recovery.learnFromStream(response, signed)
      return response
    }
    if (response.statusCode < 400) return response
    return this.#refused(request, send, signed, signedAt, response)
  }

  /** Reads a refusal, learns from it, and retries once, re-signed, when that sends something new. */
  async #refused(
    { params, context, signal, timeoutMs, maxResponseBytes }: ExchangeRequest,
    send: Send,
    signed: SignedTransportRequest,
    signedAt: Stamp,
    response: ConnectionResponse,
  ): Promise<ConnectionResponse> {
    const { signer, retryOnAwsRejection } = this.#options
    const maxBytes =
      maxResponseBytes !== undefined && maxResponseBytes > 0
        ? Math.min(MAX_READ_BYTES, maxResponseBytes)
        : MAX_READ_BYTES
    let read = await readResponse(response, signed, context.refusals, maxBytes)
    // Learned whether or not a retry follows; only the retry itself is optional.
    const retry = retryOnAwsRejection && signed.replayable
    const helps = await this.#recovery.learn(read, signed, { retry, signedAt, signal })
    if (retry && helps) {
      const retriedAt = this.#recovery.stamp()
      signed = await signer.sign(
        { ...params, body: signed.params.body },
        context,
        signal,
        timeoutMs,
      )
      response = withHeadersRedacted(await send(signed), signed)
      if (response.statusCode < 400) return response
      read = await readResponse(response, signed, context.refusals, maxBytes)
      // Learned from too (a clock that was learned wrong heals here), but not retried again.
      await this.#recovery.learn(read, signed, { retry: false, signedAt: retriedAt, signal })
    }
    return this.#forClient(read, signed, context)
  }

  /**
   * The refusal as the client gets it: what was signed beside a mismatch, Serverless's hint, and
   * the service to sign for when Serverless refused a request signed for another.
   */
  #forClient(
    read: ReadResponse,
    signed: SignedTransportRequest,
    context: ConnectionContext,
  ): ConnectionResponse {
    const debugged = this.#options.debugSignatureMismatch
      ? withSignatureDebug(read, signed)
      : read.response
    // The proxy passes refusals on as they came; its log line says what they mean.
    if (this.#options.addResponseHint === false) return debugged
    const hinted = withResponseHint({ ...read, response: debugged })
    return withServiceHint({ ...read, response: hinted }, context.target)
  }
}

/** The response with the request's secrets out of its headers; the same object when none is there. */
function withHeadersRedacted(
  response: ConnectionResponse,
  signed: SignedTransportRequest,
): ConnectionResponse {
  const headers = withoutEchoedSecretsInHeaders(response.headers, signed)
  return headers === response.headers ? response : { ...response, headers }
}
