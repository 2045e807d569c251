import type { Emulator } from '../../lib/testing'

/**
 * A provider that hands out a new temporary key, valid for an hour, on every call and registers
 * it with the emulator first, like STS: `keys[n]` is the key of call n + 1. `delayMs` lets the
 * call take a while, so concurrent requests can be seen to share it.
 */
export function rotatingProvider(emu: Emulator, prefix: string, delayMs = 0) {
  const keys: string[] = []
  return {
    keys,
    provider: async () => {
      const n = keys.length + 1
      const creds = {
        accessKeyId: `AKID${prefix}${n}`,
        secretAccessKey: `secret/${prefix}+${n}`,
        sessionToken: `session-${prefix}-${n}`,
      }
      emu.addCredentials(creds)
      keys.push(creds.accessKeyId)
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
      return { ...creds, expiration: new Date(Date.now() + 3600_000) }
    },
  }
}

/** Status of a client error, or undefined for errors that carry no HTTP response. */
export function statusOf(err: unknown): number | undefined {
  return (err as { meta?: { statusCode?: number } } | undefined)?.meta?.statusCode ?? undefined
}
