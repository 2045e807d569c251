/**
 * How this package reaches the clients at run time, in its CommonJS build: the installed
 * `@elastic/elasticsearch` (an optional peer), loaded only when its default connection is asked
 * for, and the CommonJS modules already loaded, among which a base class's own client package is
 * found (connection/lineage.ts). Everything that depends on the module system is here; the ESM build has its
 * own variant of this module, esm/client-loader.ts.
 */
import { DEFAULT_CLIENT, defaultClientError } from './default-client'

export { DEFAULT_CLIENT }

/**
 * The installed `@elastic/elasticsearch`, loaded now (never at package load). Throws
 * AwsSigV4ConfigurationError naming `baseConnection` when it is missing or fails to load.
 */
export function loadDefaultClient(): Record<string, unknown> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(DEFAULT_CLIENT) as Record<string, unknown>
  } catch (err) {
    throw defaultClientError(err)
  }
}

/**
 * The exports of every CommonJS module loaded so far: none where there is no CommonJS loader
 * (an ESM bundle) or where the clients were bundled in.
 */
export function loadedModuleExports(): unknown[] {
  if (typeof require === 'undefined' || require.cache === undefined) return []
  return Object.values(require.cache).map((mod) => mod?.exports)
}
