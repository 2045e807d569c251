/**
 * The long fuzz run: the properties of test/reliability/fuzz-properties.ts (which `npm test`
 * runs with a fixed seed and a few hundred cases) for as many cases as you like.
 *
 *   FUZZ_RUNS=20000 npx tsx scripts/fuzz.ts
 *   FUZZ_RUNS=20000 FUZZ_SEED=42 npx tsx scripts/fuzz.ts   # a chosen seed
 *
 * FUZZ_RUNS (default 2000) is the number of cases of the transport and document properties;
 * client-level header sets get a third of it and 1-5 MB bodies one in 200. FUZZ_SEED (default:
 * random, printed) picks the seed. On a failure fast-check prints the counterexample, the seed
 * and the shrink path: rerun with that FUZZ_SEED to reproduce it. Exits 1 on a failure.
 * Everything runs in-process against the local verifying emulator; nothing leaves the machine.
 * It also signs FUZZ_RUNS requests and query strings both ways, written out and through
 * `@smithy/signature-v4` (test/support/sigv4-differential.ts), which must agree exactly.
 */
import fc from 'fast-check'
import {
  clientHeadersProperty,
  documentProperty,
  hugeBodyProperty,
  startFuzzEnv,
  transportProperty,
} from '../test/reliability/fuzz-properties'
import {
  queryProperty,
  signingProperty,
  transportSigningProperty,
} from '../test/support/sigv4-differential'

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`)
  return value
}

async function main(): Promise<void> {
  const runs = intFromEnv('FUZZ_RUNS', 2000)
  const seed = intFromEnv('FUZZ_SEED', Math.floor(Math.random() * 2 ** 31))
  console.log(`fuzz: seed ${seed}, ${runs} runs (FUZZ_SEED=${seed} FUZZ_RUNS=${runs} to repeat)`)
  const env = await startFuzzEnv()
  const started = Date.now()
  const plan: Array<[string, fc.IAsyncPropertyWithHooks<never>, number]> = [
    ['transport.request', transportProperty(env) as never, runs],
    ['index/get', documentProperty(env) as never, runs],
    ['client headers', clientHeadersProperty(env) as never, Math.max(1, Math.ceil(runs / 3))],
    ['1-5 MB bodies', hugeBodyProperty(env) as never, Math.max(1, Math.ceil(runs / 200))],
    ['SigV4 written out vs smithy', signingProperty() as never, runs],
    ['canonical query written out vs smithy', queryProperty() as never, runs],
    ['transport requests signed now vs smithy', transportSigningProperty() as never, runs],
  ]
  let failed = false
  try {
    for (const [name, property, numRuns] of plan) {
      const t0 = Date.now()
      const result = await fc.check(property, { seed, numRuns })
      const took = ((Date.now() - t0) / 1000).toFixed(1)
      if (result.failed) {
        failed = true
        console.log(`FAIL ${name} after ${took} s`)
        console.log(fc.defaultReportMessage(result))
      } else {
        console.log(`ok   ${name}: ${numRuns} runs in ${took} s`)
      }
    }
  } finally {
    await env.close()
  }
  const bad = env.emu.verdicts.filter((v) => !v.ok).length
  console.log(
    `${env.sent} requests sent, ${env.emu.verdicts.length} verified by the endpoint, ${bad} refused, ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
  process.exitCode = failed || bad > 0 ? 1 : 0
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
