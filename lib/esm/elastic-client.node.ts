/**
 * `#elastic-client` for Node: the client's ESM build, imported while this package loads (a
 * top-level await), or undefined when it is not installed. Only `import` reaches this file:
 * `require` gets the CommonJS build, so require(esm) never meets the await.
 */
import { isModuleNotFound } from '../missing-module.js'

let namespace: Record<string, unknown> | undefined
try {
  namespace = (await import('@elastic/elasticsearch')) as Record<string, unknown>
} catch (err) {
  if (!isModuleNotFound(err, '@elastic/elasticsearch')) throw err
}

export const client = namespace
