/**
 * The default client, `@elastic/elasticsearch`: its name, and the error when it cannot be loaded.
 * Shared by both builds' client loaders (client-loader.ts, esm/client-loader.ts).
 */
import { AwsSigV4ConfigurationError } from '../errors'
import { isModuleNotFound } from '../common/missing-module'

/** The client whose default connection `AwsSigV4Connection` and an omitted `baseConnection` use. */
export const DEFAULT_CLIENT = '@elastic/elasticsearch'

/** The configuration error naming `baseConnection` for a default client that `err` kept from loading. */
export function defaultClientError(err: unknown): AwsSigV4ConfigurationError {
  const what = isModuleNotFound(err, DEFAULT_CLIENT)
    ? `${DEFAULT_CLIENT} is not installed`
    : `${DEFAULT_CLIENT} could not be loaded (${String((err as Error)?.message).split('\n')[0]})`
  return new AwsSigV4ConfigurationError(
    'baseConnection',
    `${what}, and without a baseConnection option the connection extends its default connection. ` +
      `Install it (npm install ${DEFAULT_CLIENT}), or pass the connection class of the client ` +
      'you use: createAwsSigV4Connection({ baseConnection: Connection }) with Connection from ' +
      '@opensearch-project/opensearch (or @elastic/elasticsearch 7.x).',
    { cause: err },
  )
}
