/**
 * The zero-configuration class `AwsSigV4Connection`: `createAwsSigV4Connection()` on the
 * installed `@elastic/elasticsearch`'s default connection, made when the package loads. Loading
 * never fails because of the client: where it is missing or cannot be loaded (users of the
 * OpenSearch client only), the export is a class whose constructor throws that configuration
 * error, so it surfaces only for someone who uses it, at `new Client(...)`.
 */
import type { ConnectionConstructor } from './types'
import { createAwsSigV4Connection, spreadable } from './create'
import { AwsSigV4ConfigurationError } from '../errors'

export function zeroConfigConnection(): ConnectionConstructor {
  try {
    return createAwsSigV4Connection() as ConnectionConstructor
  } catch (err) {
    if (!(err instanceof AwsSigV4ConfigurationError)) throw err
    return unavailable(err)
  }
}

function unavailable(reason: AwsSigV4ConfigurationError): ConnectionConstructor {
  return spreadable(
    class AwsSigV4Connection {
      constructor() {
        throw new AwsSigV4ConfigurationError(reason.option, reason.message, {
          cause: reason.cause,
        })
      }
    },
  )
}
