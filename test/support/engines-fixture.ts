/**
 * Mocha global fixture (loaded by `require` in .mocharc.json): stops the real engines the run
 * started (engines.ts), whichever files started them.
 */
import { stopRealEngines } from './engines'

export async function mochaGlobalTeardown(): Promise<void> {
  await stopRealEngines()
}
