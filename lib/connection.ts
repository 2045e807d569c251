import type { ConnectionRequestParams } from '@elastic/elasticsearch'
import type { IncomingHttpHeaders } from 'node:http'
import type { AwsSigV4ConnectionOptions, ConnectionConstructor, NodeOptions } from './options'
import { resolveOptions } from './options'
import { createExchanges } from './exchange'
import { withProductHeader } from './responses'
import type { ConnectionContext, ConnectionResponse } from './transport'
import { nodeContext, setUpNodeConnection } from './connection-setup'
import { lineageOf } from './lineage'
import { createCallbackConnection } from './callback-connection'
import type { ClientConnectionClass, DefaultConnectionClass } from './client-types'

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
 * AWS Signature Version 4 and hands it to the base class (by default the installed
 * `@elastic/elasticsearch`'s default connection), so pooling, keep-alive, TLS, timeouts, retries
 * and sniffing keep working. Base classes of the 7.x client and of the OpenSearch client get the
 * callback-lineage class (callback-connection.ts), with the same signing and recovery.
 *
 * Options are validated here; the region is resolved per node when the client creates its
 * connections, so configuration mistakes throw from `new Client(...)`, before any request.
 * Connections of one class share one credential cache and one clock offset.
 */
export function createAwsSigV4Connection(
  options?: AwsSigV4ConnectionOptions<DefaultConnectionClass> & { baseConnection?: undefined },
): DefaultConnectionClass
export function createAwsSigV4Connection<C extends ConnectionConstructor>(
  options: AwsSigV4ConnectionOptions<C> & { baseConnection: C },
): C
/** Options typed as a whole (e.g. a variable): a connection class the client accepts. */
export function createAwsSigV4Connection(options?: AwsSigV4ConnectionOptions): ClientConnectionClass
export function createAwsSigV4Connection(
  options?: AwsSigV4ConnectionOptions,
): ConnectionConstructor {
  const config = resolveOptions(options)
  const Base = config.baseConnection as unknown as MixinBase
  const { exchanges } = createExchanges(config)
  if (lineageOf(config.baseConnection) === 'callback') {
    return named(createCallbackConnection(config, exchanges), Base)
  }

  class AwsSigV4Connection extends Base {
    // Private, so `util.inspect`, `JSON.stringify` and the client's copies of the connection
    // in error metadata never reach anything signing-related.
    readonly #node: NodeOptions
    #context: ConnectionContext | undefined

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args)
      this.#node = setUpNodeConnection(this, args[0], config)
    }

    override request(params: ConnectionRequestParams, options: RequestOptions): Promise<unknown> {
      const response = exchanges.run(
        {
          params,
          context: (this.#context = nodeContext(this.#node, this, this.#context)),
          signal: options?.signal,
          asStream: options?.asStream === true,
        },
        (signed) =>
          super.request(
            signed.params as ConnectionRequestParams,
            options,
          ) as Promise<ConnectionResponse>,
      )
      // Amazon-managed engines never send the product header the client insists on.
      return this.#node.plainMediaTypes ? response.then(withProductHeader) : response
    }
  }

  return named(AwsSigV4Connection as unknown as ConnectionConstructor, Base)
}

/** Names the class after its base (`AwsSigV4UndiciConnection`, `AwsSigV4Connection`, …). */
function named(Signed: ConnectionConstructor, Base: { name: string }): ConnectionConstructor {
  Object.defineProperty(Signed, 'name', { value: `AwsSigV4${Base.name || 'Connection'}` })
  return Signed
}
