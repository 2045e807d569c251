/**
 * One signed exchange with the service: sign the request, send it through the base connection,
 * read the answer, learn from an AWS rejection (recovery.ts), and retry once, re-signed, when
 * that sends something new. Independent of the client lineage: the base connection is reached
 * only through `send`, so the promise-based 8.x/9.x connections and the callback-based 7.x
 * ones share this flow.
 */
import type { CredentialCache } from '../credentials/cache'
import type { SkewCorrectedClock } from '../credentials/clock'
import type { RequestSigner } from './request-signer'
import type {
  ConnectionContext,
  ConnectionResponse,
  SignedTransportRequest,
  TransportRequest,
} from './types'
import type { ReadResponse } from './responses'
import { readResponse, withResponseHint, withServiceHint, withSignatureDebug } from './responses'
import { Recovery } from './recovery'
import type { Stamp } from './recovery'

export interface ExchangeOptions {
  signer: RequestSigner
  credentials: CredentialCache
  /** The skew-corrected clock the signer dates requests with. */
  clock: SkewCorrectedClock
  retryOnAwsRejection: boolean
  debugSignatureMismatch: boolean
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
    const signed = await this.#options.signer.sign(request.params, request.context, request.signal)
    return this.#answered(request, send, signed, signedAt, await send(signed))
  }

  /** A first answer: passed on as it is, unless it is a refusal to read and learn from. */
  #answered(
    request: ExchangeRequest,
    send: Send,
    signed: SignedTransportRequest,
    signedAt: Stamp,
    response: ConnectionResponse,
  ): ConnectionResponse | Promise<ConnectionResponse> {
    if (request.asStream) {
      this.#recovery.learnFromStream(response, signed)
      return response
    }
    if (response.statusCode < 400) return response
    return this.#refused(request, send, signed, signedAt, response)
  }

  /** Reads a refusal, learns from it, and retries once, re-signed, when that sends something new. */
  async #refused(
    { params, context, signal }: ExchangeRequest,
    send: Send,
    signed: SignedTransportRequest,
    signedAt: Stamp,
    response: ConnectionResponse,
  ): Promise<ConnectionResponse> {
    const { signer, retryOnAwsRejection } = this.#options
    let read = await readResponse(response, signed, context.refusals)
    // Learned whether or not a retry follows; only the retry itself is optional.
    const retry = retryOnAwsRejection && signed.replayable
    const helps = await this.#recovery.learn(read, signed, { retry, signedAt, signal })
    if (retry && helps) {
      const retriedAt = this.#recovery.stamp()
      signed = await signer.sign({ ...params, body: signed.params.body }, context, signal)
      response = await send(signed)
      if (response.statusCode < 400) return response
      read = await readResponse(response, signed, context.refusals)
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
    const hinted = withResponseHint({ ...read, response: debugged })
    return withServiceHint({ ...read, response: hinted }, context.target)
  }
}
