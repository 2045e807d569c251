/**
 * The signing connection class for the promise lineage (lineage.ts): @elastic/elasticsearch 8.x
 * and 9.x (`UndiciConnection`, `HttpConnection`), whose `request(params, options)` resolves with
 * the response already read. Each request runs the exchange every lineage shares
 * (exchange/exchanges.ts) with the base's own `request` as its `send`.
 */
import type { ConnectionRequestParams } from '@elastic/elasticsearch'
import type { IncomingHttpHeaders } from 'node:http'
import type { ResolvedOptions } from './options'
import type { ConnectionConstructor } from './types'
import type { Exchanges } from '../exchange/exchanges'
import type { ConnectionResponse } from '../exchange/types'
import { NodeSigning } from './setup'
import { withProductHeader } from './product-check'

/** What the mixin needs of a base connection instance. */
interface PromiseBaseInstance {
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
type PromiseBase = new (...args: any[]) => PromiseBaseInstance

/** The class for `baseConnection` of the promise lineage, signing through `exchanges`. */
export function createPromiseConnection(
  config: ResolvedOptions,
  exchanges: Exchanges,
): ConnectionConstructor {
  const Base = config.baseConnection as unknown as PromiseBase

  class AwsSigV4Connection extends Base {
    // Private, so `util.inspect`, `JSON.stringify` and the client's copies of the connection
    // in error metadata never reach anything signing-related.
    readonly #signing: NodeSigning

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args)
      this.#signing = new NodeSigning(this, args[0], config)
    }

    override request(params: ConnectionRequestParams, options: RequestOptions): Promise<unknown> {
      const response = exchanges.run(
        {
          params,
          context: this.#signing.context(),
          signal: options?.signal,
          asStream: options?.asStream === true,
          timeoutMs: typeof options?.timeout === 'number' ? options.timeout : undefined,
          maxResponseBytes:
            typeof options?.maxResponseSize === 'number' ? options.maxResponseSize : undefined,
        },
        (signed) =>
          super.request(
            signed.params as ConnectionRequestParams,
            options,
          ) as Promise<ConnectionResponse>,
      )
      // Amazon-managed engines never send the product header the client insists on.
      return this.#signing.node.plainMediaTypes ? response.then(withProductHeader) : response
    }
  }

  return AwsSigV4Connection as unknown as ConnectionConstructor
}
