/**
 * The default `baseConnection`: the installed `@elastic/elasticsearch`'s default connection,
 * whatever its major. Loaded when options are resolved without one, not when the package loads,
 * so users of the OpenSearch client need not install it.
 */
import type { ConnectionConstructor } from './types'
import { DEFAULT_CLIENT, loadDefaultClient } from '../platform/client-loader'
import { AwsSigV4ConfigurationError } from '../errors'

/** The installed client's default connection; throws naming `baseConnection` without one. */
export function defaultBaseConnection(): ConnectionConstructor {
  const Base = defaultConnectionOf(loadDefaultClient())
  if (Base !== undefined) return Base
  throw new AwsSigV4ConfigurationError(
    'baseConnection',
    `The installed ${DEFAULT_CLIENT} exports neither UndiciConnection (8.x, 9.x) nor Connection ` +
      '(7.x). Install a supported version, or pass baseConnection explicitly.',
  )
}

/** The default connection of an `@elastic/elasticsearch` module: `UndiciConnection` (8/9), else `Connection` (7.x). */
export function defaultConnectionOf(
  client: Record<string, unknown>,
): ConnectionConstructor | undefined {
  for (const name of ['UndiciConnection', 'Connection']) {
    const value = client[name]
    if (typeof value === 'function') return value as ConnectionConstructor
  }
  return undefined
}
