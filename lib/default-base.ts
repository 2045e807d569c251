/**
 * The installed `@elastic/elasticsearch`, whose default connection an omitted `baseConnection`
 * extends: the one module that reaches the client at run time, so that each build has its own.
 * This is the CommonJS build's: a `require`, guarded so that a missing client reads as
 * undefined. The ESM build's variant, lib/esm/default-base.ts, takes the client's ESM build,
 * which is where an ESM user's `Client` comes from (the client is a dual package).
 */
import { isModuleNotFound } from './missing-module'

/** The client's exports, or undefined when it is not installed. */
export function installedClient(): Record<string, unknown> | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@elastic/elasticsearch') as Record<string, unknown>
  } catch (err) {
    // Only the client itself missing: a broken install is not hidden.
    if (isModuleNotFound(err, '@elastic/elasticsearch')) return undefined
    throw err
  }
}
