/**
 * `#clients` for bundlers: `@elastic/elasticsearch` by a static import, which they follow into
 * the client's ESM build. A bundle has no CommonJS module cache of its clients to search.
 */
import * as namespace from '@elastic/elasticsearch'

export const client: Record<string, unknown> | undefined = namespace
export const failure: unknown = undefined

export function loadedModuleExports(): unknown[] {
  return []
}
