/**
 * `createAwsSigV4Connection`: the one place a signing connection class is put together. It
 * resolves the options, builds what every connection of the class shares (one clock, one
 * credential cache, one signer, one exchange runner), and hands them to the factory of the base
 * class's lineage: promise-connection.ts (8.x/9.x) or callback-connection.ts (7.x, OpenSearch).
 */
import type { AwsSigV4ConnectionOptions } from './options'
import type { ClientConnectionClass, ConnectionConstructor, DefaultConnectionClass } from './types'
import { resolveOptions } from './options'
import { lineageOf } from './lineage'
import { createCallbackConnection } from './callback-connection'
import { createPromiseConnection } from './promise-connection'
import { createExchanges } from '../exchange/exchanges'
import { AwsSigV4ConfigurationError } from '../errors'

/**
 * Returns a connection class for `new Client({ Connection })` that signs every request with
 * AWS Signature Version 4 and hands it to the base class (by default the installed
 * `@elastic/elasticsearch`'s default connection), so pooling, keep-alive, TLS, timeouts, retries
 * and sniffing keep working. Base classes of the 7.x client and of the OpenSearch client get the
 * callback-lineage class, with the same signing and recovery.
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
  // `Connection: createAwsSigV4Connection`, uncalled: the client's pool calls it with `new` and
  // its own connection options, which would read as unknown options ("tls", "url").
  if (new.target !== undefined) throw uncalledFactory()
  const config = resolveOptions(options)
  // One clock, one credential cache, one signer, one exchange runner: exchange/'s to build.
  const { exchanges } = createExchanges(config)
  const create =
    lineageOf(config.baseConnection) === 'callback'
      ? createCallbackConnection
      : createPromiseConnection
  return spreadable(named(create(config, exchanges), config.baseConnection))
}

function uncalledFactory(): AwsSigV4ConfigurationError {
  return new AwsSigV4ConfigurationError(
    'Connection',
    "The client's Connection option is createAwsSigV4Connection itself, not the class it " +
      'returns: call it: `createAwsSigV4Connection({...})` (or pass AwsSigV4Connection, which ' +
      'needs no options).',
  )
}

/**
 * The class with an own enumerable `Connection` pointing to itself, so that the old connectors'
 * pattern `new Client({ node, ...createAwsSigV4Connection() })` spreads into `{ Connection }`
 * instead of nothing (and a client that silently sends unsigned requests).
 */
export function spreadable<C extends ConnectionConstructor>(Signed: C): C {
  Object.defineProperty(Signed, 'Connection', { value: Signed, enumerable: true })
  return Signed
}

/** Names the class after its base (`AwsSigV4UndiciConnection`, `AwsSigV4Connection`, …). */
function named(Signed: ConnectionConstructor, Base: { name: string }): ConnectionConstructor {
  Object.defineProperty(Signed, 'name', { value: `AwsSigV4${Base.name || 'Connection'}` })
  return Signed
}
