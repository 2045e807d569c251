/**
 * How this package reaches the clients at run time, in its CommonJS build: the installed
 * `@elastic/elasticsearch` (an optional peer), loaded only when its default connection is asked
 * for, and the CommonJS modules already loaded, among which a base class's own client package is
 * found (lineage.ts). Everything that depends on the module system is here, so an ESM build can
 * provide its own variant of this one module.
 */
import { AwsSigV4ConfigurationError } from './errors'

/** The client whose default connection `AwsSigV4Connection` and an omitted `baseConnection` use. */
export const DEFAULT_CLIENT = '@elastic/elasticsearch'

/**
 * The installed `@elastic/elasticsearch`, loaded now (never at package load). Throws
 * AwsSigV4ConfigurationError naming `baseConnection` when it is missing or fails to load.
 */
export function loadDefaultClient(): Record<string, unknown> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(DEFAULT_CLIENT) as Record<string, unknown>
  } catch (err) {
    throw new AwsSigV4ConfigurationError(
      'baseConnection',
      `${isMissing(err, DEFAULT_CLIENT) ? `${DEFAULT_CLIENT} is not installed` : `${DEFAULT_CLIENT} could not be loaded (${(err as Error).message.split('\n')[0]})`}, ` +
        'and without a baseConnection option the connection extends its default connection. ' +
        `Install it (npm install ${DEFAULT_CLIENT}), or pass the connection class of the client ` +
        'you use: createAwsSigV4Connection({ baseConnection: Connection }) with Connection from ' +
        '@opensearch-project/opensearch (or @elastic/elasticsearch 7.x).',
      { cause: err },
    )
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

/** Whether `err` says that `name` itself (not one of its own dependencies) cannot be found. */
function isMissing(err: unknown, name: string): boolean {
  const e = err as { code?: unknown; message?: unknown }
  return (
    e?.code === 'MODULE_NOT_FOUND' &&
    typeof e.message === 'string' &&
    e.message.split('\n')[0].includes(`'${name}'`)
  )
}
