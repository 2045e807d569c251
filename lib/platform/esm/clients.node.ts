/**
 * `#clients` for Node: the client's ESM build, imported while this package loads (a top-level
 * await), or undefined with the error that kept it from loading. Only `import` reaches this
 * file: `require` gets the CommonJS build, so require(esm) never meets the await.
 */
import { createRequire } from 'node:module'

let namespace: Record<string, unknown> | undefined
let error: unknown
try {
  namespace = (await import('@elastic/elasticsearch')) as Record<string, unknown>
} catch (err) {
  error = err
}

export const client = namespace
export const failure = error

// The CommonJS module cache is one per process, whoever asks for it: 7.x and OpenSearch clients
// are CommonJS, so an ESM user's import of them lands there too.
const cache = createRequire(import.meta.url).cache

/** The exports of every CommonJS module loaded so far. */
export function loadedModuleExports(): unknown[] {
  return Object.values(cache).map((mod) => mod?.exports)
}
