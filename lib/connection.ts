import { UndiciConnection } from '@elastic/elasticsearch'
import type { ConnectionOptions, ConnectionRequestParams } from '@elastic/elasticsearch'
import type { IncomingHttpHeaders } from 'node:http'
import type { AwsSigV4ConnectionOptions, ConnectionConstructor } from './options'
import type { SigningTarget } from './endpoint'
import { resolveOptions } from './options'
import { resolveSigningTarget } from './endpoint'
import { CredentialCache } from './credentials'
import { RequestSigner } from './request-signer'
import { AwsSigV4ConfigurationError } from './errors'

/** What the mixin needs of a base connection instance. */
interface BaseConnectionInstance {
  url: URL
  headers: IncomingHttpHeaders
  request(params: ConnectionRequestParams, options: RequestOptions): Promise<unknown>
}

interface RequestOptions {
  signal?: AbortSignal
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
 */
export function createAwsSigV4Connection(
  options?: AwsSigV4ConnectionOptions<typeof UndiciConnection> & { baseConnection?: undefined },
): typeof UndiciConnection
export function createAwsSigV4Connection<C extends ConnectionConstructor>(
  options: AwsSigV4ConnectionOptions<C> & { baseConnection: C },
): C
export function createAwsSigV4Connection(
  options?: AwsSigV4ConnectionOptions,
): ConnectionConstructor {
  const config = resolveOptions(options)
  const Base = (config.baseConnection ?? UndiciConnection) as unknown as MixinBase
  const credentials = new CredentialCache(config.credentials, {
    refreshMarginMs: config.credentialsRefreshMarginMs,
    maxAgeMs: config.credentialsMaxAgeMs,
    providerTimeoutMs: config.credentialsTimeoutMs,
  })
  const signer = new RequestSigner({
    credentials,
    sha256: config.sha256,
    maxBodyBytes: config.maxBodyBytes,
    unsignedPayload: config.unsignedPayload,
    now: () => new Date(),
  })

  class AwsSigV4Connection extends Base {
    // Private, so `util.inspect`, `JSON.stringify` and the client's copies of the connection
    // in error metadata never reach anything credential-related.
    readonly #target: SigningTarget

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args)
      const opts = args[0] as ConnectionOptions
      if (opts?.auth != null) {
        throw new AwsSigV4ConfigurationError(
          'auth',
          'The client option "auth" (basic, API key or bearer) cannot be combined with AWS SigV4 ' +
            'signing, which sets the Authorization header itself. Remove "auth" from the client options.',
        )
      }
      this.#target = resolveSigningTarget({
        url: this.url,
        region: config.region,
        service: config.service,
        signingHost: config.signingHost,
      })
    }

    override async request(
      params: ConnectionRequestParams,
      options: RequestOptions,
    ): Promise<unknown> {
      const signed = await signer.sign(
        params,
        { url: this.url, headers: this.headers, target: this.#target },
        options?.signal,
      )
      return super.request(signed.params as ConnectionRequestParams, options)
    }
  }

  Object.defineProperty(AwsSigV4Connection, 'name', {
    value: `AwsSigV4${Base.name || 'Connection'}`,
  })
  return AwsSigV4Connection as unknown as ConnectionConstructor
}
