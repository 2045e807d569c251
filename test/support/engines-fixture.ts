/**
 * Mocha global fixture (loaded by `require` in .mocharc.json): stops the real engines the run
 * started (engines.ts), whichever files started them. With TEST_ENGINES_EARLY=1 (`npm test`
 * sets it) it also starts them when the run begins, so that they boot while the tests before
 * test/engines/ run, rather than when the first engine test asks.
 */
import { realEnginesMissing, startAll, stopRealEngines } from './engines'

export function mochaGlobalSetup(): void {
  if (process.env.TEST_ENGINES_EARLY === '1' && realEnginesMissing() === undefined) startAll()
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stopRealEngines()
}
