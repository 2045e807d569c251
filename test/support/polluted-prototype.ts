/**
 * `Object.prototype` polluted, as a vulnerable dependency elsewhere in a process can leave it:
 * every plain object then seems to have these properties. Defined non-enumerable, so the test
 * framework's own object walks are not disturbed; a read through the prototype chain sees them
 * all the same. Removed again when `fn` settles.
 */
export async function withPollutedPrototype<T>(
  values: Record<string, unknown>,
  fn: () => T | Promise<T>,
): Promise<T> {
  for (const [name, value] of Object.entries(values)) {
    Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true })
  }
  try {
    return await fn()
  } finally {
    for (const name of Object.keys(values)) {
      delete (Object.prototype as Record<string, unknown>)[name]
    }
  }
}
