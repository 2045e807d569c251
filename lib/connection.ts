import type {
  BaseConnection,
  ConnectionOptions,
  ConnectionRequestParams,
  UndiciConnection,
} from '@elastic/elasticsearch'
import type { IncomingHttpHeaders } from 'node:http'
import type { AwsSigV4ConnectionOptions, ConnectionConstructor, NodeOptions } from './options'
import { resolveNodeOptions, resolveOptions } from './options'
import { CredentialCache } from './credentials'
import { RequestSigner } from './request-signer'
import { SkewCorrectedClock } from './clock'
import { hideProperty } from './redaction'
import { Exchanges } from './exchange'
import { withProductHeader } from './responses'
import type { ConnectionContext, ConnectionResponse } from './transport'
import { withLowerCaseNames } from './headers'
import { AwsSigV4ConfigurationError } from './errors'

/** What the mixin needs of a base connection instance. */
interface BaseConnectionInstance {
  url: URL
  headers: IncomingHttpHeaders
  request(params: ConnectionRequestParams, options: RequestOptions): Promise<unknown>
}

interface RequestOptions {
  signal?: AbortSignal
  asStream?: boolean
  [option: string]: unknown
}

// A mixin base must take `any[]`; the public types stay `any`-free.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type MixinBase = new (...args: any[]) => BaseConnectionInstance

/**
 * Returns a connection class for `new Client({ Connection })` that signs every request with
 * AWS Signature Version 4 and hands it to the base class (by default the installed client's
 * `UndiciConnection`), so pooling, keep-alive, TLS, timeouts, retries and sniffing keep working.
 *
 * Options are validated here; the region is resolved per node when the client creates its
 * connections, so configuration mistakes throw from `new Client(...)`, before any request.
 * Connections of one class share one credential cache and one clock offset.
 */
export function createAwsSigV4Connection(
  options?: AwsSigV4ConnectionOptions<typeof UndiciConnection> & { baseConnection?: undefined },
): typeof UndiciConnection
export function createAwsSigV4Connection<C extends ConnectionConstructor>(
  options: AwsSigV4ConnectionOptions<C> & { baseConnection: C },
): C
/** Options typed as a whole (e.g. a variable): a connection class the client accepts. */
export function createAwsSigV4Connection(options?: AwsSigV4ConnectionOptions): typeof BaseConnection
export function createAwsSigV4Connection(
  options?: AwsSigV4ConnectionOptions,
): ConnectionConstructor {
  const config = resolveOptions(options)
  if (config.baseConnection === undefined) {
    throw new AwsSigV4ConfigurationError(
      'baseConnection',
      '@elastic/elasticsearch is not installed, and without the baseConnection option the ' +
        'connection extends its UndiciConnection. Install it (npm install @elastic/elasticsearch), ' +
        'or pass the connection class of the client you use as baseConnection.',
    )
  }
  const Base = config.baseConnection as unknown as MixinBase
  // Expirations are AWS's time, so they are compared with the skew-corrected clock.
  const clock = new SkewCorrectedClock()
  const credentials = new CredentialCache(config.credentials, {
    now: () => clock.now().getTime(),
    refreshMarginMs: config.credentialsRefreshMarginMs,
    maxAgeMs: config.credentialsMaxAgeMs,
    providerTimeoutMs: config.credentialsTimeoutMs,
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
  })

  class AwsSigV4Connection extends Base {
    // Private, so `util.inspect`, `JSON.stringify` and the client's copies of the connection
    // in error metadata never reach anything signing-related.
    readonly #node: NodeOptions

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args)
      const opts = args[0] as ConnectionOptions | undefined
      if (opts?.auth != null) {
        throw new AwsSigV4ConfigurationError(
          'auth',
          'The client option "auth" (basic, API key or bearer) cannot be combined with AWS SigV4 ' +
            'signing, which sets the Authorization header itself. Remove "auth" from the client options.',
        )
      }
      this.#node = resolveNodeOptions(config, this.url)
      // HttpConnection's http.Agent reaches every in-flight request's raw header block, session
      // token and signature included; the client's default redaction copies the connection into
      // error metadata through its enumerable properties. Non-enumerable, it is left out.
      hideProperty(this, 'agent')
      // The base class sends its own default headers under their names as given, beside ours:
      // `X-A` would go out twice and `Authorization` or `Content-Type` would break the signature.
      this.headers = withLowerCaseNames(this.headers)
    }

    override async request(
      params: ConnectionRequestParams,
      options: RequestOptions,
    ): Promise<unknown> {
      const context: ConnectionContext = { ...this.#node, url: this.url, headers: this.headers }
      const response = await exchanges.run(
        { params, context, signal: options?.signal, asStream: options?.asStream === true },
        async (signed) =>
          (await super.request(
            signed.params as ConnectionRequestParams,
            options,
          )) as ConnectionResponse,
      )
      return this.#adapted(response)
    }

    /** Amazon-managed engines never send the product header the client insists on. */
    #adapted(response: ConnectionResponse): ConnectionResponse {
      return this.#node.plainMediaTypes ? withProductHeader(response) : response
    }
  }

  Object.defineProperty(AwsSigV4Connection, 'name', {
    value: `AwsSigV4${Base.name || 'Connection'}`,
  })
  return AwsSigV4Connection as unknown as ConnectionConstructor
}
