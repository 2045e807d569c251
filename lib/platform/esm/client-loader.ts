/**
 * The ESM build's variant of lib/platform/client-loader.ts (built in its place): the clients through
 * `#clients`, which this directory's package.json maps per environment. Bundlers (the `module`
 * condition) get a static import of `@elastic/elasticsearch`, so a bundle holds one build of the
 * client, its ESM build, whatever its output format. Node gets an `import()` awaited while this
 * package loads, which takes the same ESM build, where an ESM user's `Client` comes from, and
 * never fails the load: a missing or broken client is reported by `loadDefaultClient`, as in
 * CommonJS.
 */
import { client, failure, loadedModuleExports } from '#clients'
import { DEFAULT_CLIENT, defaultClientError } from '../default-client.js'

export { DEFAULT_CLIENT, loadedModuleExports }

/**
 * The installed `@elastic/elasticsearch`. Throws AwsSigV4ConfigurationError naming
 * `baseConnection` when it is missing or failed to load.
 */
export function loadDefaultClient(): Record<string, unknown> {
  if (client !== undefined) return client
  throw defaultClientError(failure)
}
