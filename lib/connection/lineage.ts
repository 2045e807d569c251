/**
 * Which client a base connection class comes from. Two lineages share no connection API:
 *
 * - `'promise'`: @elastic/elasticsearch 8.x and 9.x (`UndiciConnection`, `HttpConnection`):
 *   `request(params, options)` resolves with the response, already read.
 * - `'callback'`: @elastic/elasticsearch 7.x and the OpenSearch client 2.x/3.x (`Connection`,
 *   the same 7.x code): `request(params, callback)` returns an `abort()` handle at once and calls
 *   back with the raw `IncomingMessage`, which the transport reads itself.
 *
 * Told apart by the prototype: node roles (`setRole`) exist only in the callback lineage, the
 * `diagnostic` getter only in the promise one (`request.length` is 2 on both).
 */
import type { ConnectionConstructor } from './types'
import { AwsSigV4ConfigurationError } from '../errors'

export type Lineage = 'promise' | 'callback'

export function lineageOf(Base: ConnectionConstructor): Lineage {
  const proto = (Base as { prototype?: unknown }).prototype
  if (typeof proto !== 'object' || proto === null) return 'promise'
  const setRole = (proto as { setRole?: unknown }).setRole
  return typeof setRole === 'function' && !('diagnostic' in proto) ? 'callback' : 'promise'
}

/** What a callback-lineage connection needs to know of the client it belongs to. */
export interface CallbackClient {
  product: 'elasticsearch' | 'opensearch'
  /**
   * The client sends the product check (`GET /` before its first request) and refuses servers
   * it does not recognise: @elastic/elasticsearch 7.14–7.17, whose errors include
   * `ProductNotSupportedError`. Not 7.13 (no such check) and not the OpenSearch client.
   */
  productCheck: boolean
  /** The client's own `RequestAbortedError`, when its package was found among the loaded modules. */
  RequestAbortedError?: new (message?: string) => Error
  /** Its `ConnectionError` (a response that broke off), likewise. */
  ConnectionError?: new (message?: string) => Error
  /** Its `TimeoutError` (the request's timeout passed), likewise. */
  TimeoutError?: new (message?: string) => Error
}

/**
 * The client of a callback-lineage class (or of a class it extends), found among the exports of
 * the loaded modules: a client's entry exports its `Connection` and its `errors`. When it is not
 * found (a bundle), the product is told by the node roles and the product check is assumed,
 * since a 7.14+ client without the adaptation refuses every request.
 */
export function callbackClientOf(
  Base: ConnectionConstructor,
  moduleExports: readonly unknown[],
): CallbackClient {
  const errors = clientErrorsOf(Base, moduleExports)
  const product =
    errors === undefined
      ? productByRoles(Base)
      : 'OpenSearchClientError' in errors
        ? 'opensearch'
        : 'elasticsearch'
  return {
    product,
    productCheck:
      product === 'elasticsearch' &&
      (errors === undefined || typeof errors.ProductNotSupportedError === 'function'),
    ...errorClass(errors, 'RequestAbortedError'),
    ...errorClass(errors, 'ConnectionError'),
    ...errorClass(errors, 'TimeoutError'),
  }
}

/** `{ [name]: the class }` when the client's errors have it, else nothing. */
function errorClass<N extends 'RequestAbortedError' | 'ConnectionError' | 'TimeoutError'>(
  errors: Record<string, unknown> | undefined,
  name: N,
): Partial<Pick<CallbackClient, N>> {
  const value = errors?.[name]
  return typeof value === 'function' ? ({ [name]: value } as Partial<Pick<CallbackClient, N>>) : {}
}

function clientErrorsOf(
  Base: ConnectionConstructor,
  moduleExports: readonly unknown[],
): Record<string, unknown> | undefined {
  for (let C: unknown = Base; typeof C === 'function'; C = Object.getPrototypeOf(C)) {
    for (const exports of moduleExports) {
      // Own data properties only: reading a getter could load a module.
      if (ownValue(exports, 'Connection') !== C) continue
      const errors = ownValue(exports, 'errors')
      if (typeof errors === 'object' && errors !== null) return errors as Record<string, unknown>
    }
  }
  return undefined
}

function ownValue(target: unknown, name: string): unknown {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) {
    return undefined
  }
  return Object.getOwnPropertyDescriptor(target, name)?.value
}

/** OpenSearch's node roles include `CLUSTER_MANAGER`; Elasticsearch 7's do not. */
function productByRoles(Base: ConnectionConstructor): CallbackClient['product'] {
  const roles = (Base as { roles?: unknown }).roles
  return typeof roles === 'object' && roles !== null && 'CLUSTER_MANAGER' in roles
    ? 'opensearch'
    : 'elasticsearch'
}

/**
 * Which family of client is creating a connection, told by the options its pool passes: the
 * pools of @elastic/transport (8.x, 9.x) always pass `diagnostic` and `tls`, those of the 7.x and
 * OpenSearch clients `ssl` and never `diagnostic`. Undefined for anything else (a connection
 * made by hand).
 */
export function creatingLineage(connectionOptions: unknown): Lineage | undefined {
  if (typeof connectionOptions !== 'object' || connectionOptions === null) return undefined
  const has = (name: string): boolean =>
    Object.prototype.hasOwnProperty.call(connectionOptions, name)
  if (has('diagnostic') && has('tls')) return 'promise'
  if (has('ssl') && !has('diagnostic')) return 'callback'
  return undefined
}

/**
 * Refuses a connection class whose base is of the other lineage than the client creating it:
 * the client would fail inside its own code, far from the cause (`Cannot read properties of
 * undefined (reading 'cluster_manager')`, `callback is not a function`). `loadedModules` gives
 * the loaded modules, among which the callback clients in use are found, to name the right one.
 */
export function refuseOtherLineage(
  Base: ConnectionConstructor,
  connectionOptions: unknown,
  loadedModules: () => readonly unknown[],
): void {
  const base = lineageOf(Base)
  const creating = creatingLineage(connectionOptions)
  if (creating === undefined || creating === base) return
  const moduleExports = loadedModules()
  if (base === 'promise') {
    throw new AwsSigV4ConfigurationError(
      'baseConnection',
      'The connection class extends a connection of @elastic/elasticsearch 8.x/9.x ' +
        "(AwsSigV4Connection extends the installed @elastic/elasticsearch's default one), but the client " +
        `creating it is ${callbackClientsNamed(moduleExports)}, whose connections work ` +
        "differently. Pass that client's own Connection as the base: " +
        '`createAwsSigV4Connection({ baseConnection: Connection })`, with Connection imported ' +
        `from ${callbackPackagesNamed(moduleExports)}.`,
    )
  }
  const product = callbackClientOf(Base, moduleExports).product
  throw new AwsSigV4ConfigurationError(
    'baseConnection',
    `The connection class extends the Connection of ${product === 'opensearch' ? 'the OpenSearch client' : '@elastic/elasticsearch 7.x'}, ` +
      'but the client creating it is @elastic/elasticsearch 8.x or 9.x, whose connections work ' +
      'differently. Use AwsSigV4Connection, which extends its default connection, or pass its ' +
      'own class as the base: `createAwsSigV4Connection({ baseConnection: UndiciConnection })` ' +
      '(or HttpConnection), imported from @elastic/elasticsearch.',
  )
}

/** The callback clients among the loaded modules: OpenSearch, Elasticsearch 7.x, or both. */
function loadedCallbackProducts(moduleExports: readonly unknown[]): Set<CallbackClient['product']> {
  const products = new Set<CallbackClient['product']>()
  for (const exports of moduleExports) {
    const Connection = ownValue(exports, 'Connection')
    const errors = ownValue(exports, 'errors')
    if (typeof Connection !== 'function' || typeof errors !== 'object' || errors === null) continue
    if (lineageOf(Connection as ConnectionConstructor) !== 'callback') continue
    products.add('OpenSearchClientError' in errors ? 'opensearch' : 'elasticsearch')
  }
  return products
}

function callbackClientsNamed(moduleExports: readonly unknown[]): string {
  const products = loadedCallbackProducts(moduleExports)
  if (products.size === 1 && products.has('opensearch')) return 'the OpenSearch client'
  if (products.size === 1) return '@elastic/elasticsearch 7.x'
  return 'the OpenSearch client or @elastic/elasticsearch 7.x'
}

function callbackPackagesNamed(moduleExports: readonly unknown[]): string {
  const products = loadedCallbackProducts(moduleExports)
  if (products.size === 1 && products.has('opensearch')) return '@opensearch-project/opensearch'
  if (products.size === 1) return '@elastic/elasticsearch 7.x'
  return '@opensearch-project/opensearch (or @elastic/elasticsearch 7.x)'
}
