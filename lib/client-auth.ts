/**
 * The client's own authentication cannot go with SigV4, which sets the `Authorization` header
 * itself. Every client hands it to each connection as `opts.auth`: basic, API key or bearer
 * (@elastic/elasticsearch), basic or `{ credentials }` for its own AwsSigv4Signer (OpenSearch
 * client), or `user:password@` in a node URL. Refused when the client creates a connection.
 */
import { AwsSigV4ConfigurationError } from './errors'

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
