import type { Emulator, EmulatorOptions } from '../../lib/testing'
import { startEmulator } from '../../lib/testing'

interface Closable {
  close(): Promise<unknown>
}

/**
 * One emulator for the tests of a describe block: started before them, its verdicts cleared and
 * its clock skew reset before each, and the clients given to `track` closed after them all.
 */
export function emulatorPerSuite(options: EmulatorOptions): {
  readonly emu: Emulator
  track<T extends Closable>(client: T): T
} {
  let started: Emulator | undefined
  const clients: Closable[] = []
  const emu = (): Emulator => {
    if (started === undefined) throw new Error('the suite emulator starts in before()')
    return started
  }
  before(async () => {
    started = await startEmulator(options)
  })
  beforeEach(() => {
    emu().clearVerdicts()
    emu().setClockSkew(0)
  })
  after(async () => {
    for (const client of clients) await client.close()
    await started?.close()
  })
  return {
    get emu() {
      return emu()
    },
    track(client) {
      clients.push(client)
      return client
    },
  }
}
