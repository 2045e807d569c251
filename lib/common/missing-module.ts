/** Recognising a module that is not installed, from `require` or from `import`. */

/**
 * Whether `err` says a module could not be found: MODULE_NOT_FOUND (`require`) or
 * ERR_MODULE_NOT_FOUND (`import`). With `name`, only that package itself, not one it loads:
 * both messages quote the missing specifier on their first line.
 */
export function isModuleNotFound(err: unknown, name?: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null
  const code = e?.code
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false
  if (name === undefined) return true
  return typeof e?.message === 'string' && e.message.split('\n')[0].includes(`'${name}'`)
}
