/**
 * What a signing connection of either lineage does when the client creates it for a node:
 * refuse the client's own authentication, resolve what the node is signed for, and keep the
 * secrets of in-flight requests out of what the client copies or exposes of the connection.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { NodeOptions, ResolvedOptions } from './options'
import type { ConnectionContext } from '../exchange/types'
import { resolveNodeOptions } from './options'
import { connectionHeaders } from '../exchange/headers'
import { refuseOtherLineage } from './lineage'
import { loadedModuleExports } from '../platform/client-loader'
import { AwsSigV4ConfigurationError } from '../errors'

/** What the set-up needs of a base connection instance. */
export interface NodeConnection {
  url: URL
  headers: IncomingHttpHeaders
}

/**
 * Sets up `connection` (just constructed from `connectionOptions`, the options the client's
 * pool passed) and returns what its requests are signed with.
 */
export function setUpNodeConnection(
  connection: NodeConnection,
  connectionOptions: unknown,
  config: ResolvedOptions,
): NodeOptions {
  refuseOtherLineage(config.baseConnection, connectionOptions, loadedModuleExports)
  refuseClientAuth(connectionOptions)
  const node = resolveNodeOptions(config, connection.url)
  // The http.Agent (HttpConnection, the 7.x Connection) reaches every in-flight request's raw
  // header block, session token and signature included; the 8/9 clients copy the connection into
  // error metadata through its enumerable properties, the 7.x transport hands out the instance
  // itself as `meta.connection`. Non-enumerable, it is left out of both.
  hideProperty(connection, 'agent')
  // The base class sends its own default headers under their names as given, beside ours:
  // `X-A` would go out twice, `Content-Type` would break the signature, and SigV4's own names
  // (a node's `X-Amz-Security-Token`) would go out unsigned.
  connection.headers = connectionHeaders(connection.headers)
  return node
}

/**
 * The context a node's requests go through: `last` again while the base's `url` and `headers`
 * are the ones it was made from, a new one once either is replaced (so nothing is copied per
 * request).
 */
export function nodeContext(
  node: NodeOptions,
  connection: NodeConnection,
  last: ConnectionContext | undefined,
): ConnectionContext {
  if (last?.url === connection.url && last.headers === connection.headers) return last
  // Headers replaced since: made sendable as the first ones were.
  connection.headers = connectionHeaders(connection.headers)
  return { ...node, url: connection.url, headers: connection.headers }
}

/**
 * What one connection's requests are signed with: set up when the client creates the
 * connection for a node, then a context per request that is rebuilt only when the base's `url`
 * or `headers` are replaced. Kept by each lineage's class in a private field.
 */
export class NodeSigning {
  readonly node: NodeOptions
  readonly #connection: NodeConnection
  #context: ConnectionContext | undefined

  constructor(connection: NodeConnection, connectionOptions: unknown, config: ResolvedOptions) {
    this.node = setUpNodeConnection(connection, connectionOptions, config)
    this.#connection = connection
  }

  /** The context the next request goes through. */
  context(): ConnectionContext {
    return (this.#context = nodeContext(this.node, this.#connection, this.#context))
  }
}

/**
 * The client's own authentication cannot go with SigV4, which sets the `Authorization` header
 * itself. Every client hands it to each connection as `opts.auth`: basic, API key or bearer
 * (@elastic/elasticsearch), basic or `{ credentials }` for its own AwsSigv4Signer (OpenSearch
 * client), or `user:password@` in a node URL.
 */
export function refuseClientAuth(connectionOptions: unknown): void {
  const auth = (connectionOptions as { auth?: unknown } | null | undefined)?.auth
  if (auth == null) return
  throw new AwsSigV4ConfigurationError(
    'auth',
    'The client option "auth" (basic, API key or bearer, user:password in a node URL, or the ' +
      "OpenSearch client's AwsSigv4Signer auth) cannot be combined with AWS SigV4 signing, which " +
      'sets the Authorization header itself. Remove "auth" from the client options; pass AWS ' +
      'credentials as the credentials option of createAwsSigV4Connection instead.',
  )
}

/** Makes an own property non-enumerable, so copies of the object leave it out. */
function hideProperty(target: object, name: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, name)
  if (descriptor?.enumerable) {
    Object.defineProperty(target, name, { ...descriptor, enumerable: false })
  }
}
