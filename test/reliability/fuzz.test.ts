import fc from 'fast-check'
import {
  clientHeadersProperty,
  documentProperty,
  fuzzSeed,
  hugeBodyProperty,
  startFuzzEnv,
  transportProperty,
} from './fuzz-properties'
import type { FuzzEnv } from './fuzz-properties'
import { withoutNock } from './support'

/**
 * The CI fuzz run: a fixed seed (FUZZ_SEED overrides it), a few hundred cases per property.
 * The long run is scripts/fuzz.ts. A failure prints fast-check's seed and path to replay it.
 */
describe('reliability: property-based fuzzing against the verifying endpoint', function () {
  this.timeout(120_000)
  const seed = fuzzSeed()
  withoutNock()
  let env: FuzzEnv
  before(async () => {
    env = await startFuzzEnv()
  })
  after(() => env.close())

  it(`transport.request: any path, query, body, headers on every client (seed ${seed}, 300 runs)`, async () => {
    await fc.assert(transportProperty(env), { seed, numRuns: 300 })
  })

  it(`index/get: any id, routing and text, stored and read back exactly (seed ${seed}, 200 runs)`, async () => {
    await fc.assert(documentProperty(env), { seed, numRuns: 200 })
  })

  it(`new Client({ headers }): any default header set, names in any case (seed ${seed}, 100 runs)`, async () => {
    await fc.assert(clientHeadersProperty(env), { seed, numRuns: 100 })
  })

  it(`1-5 MB bodies: string, Buffer, stream, plain and gzip (seed ${seed}, 6 runs)`, async () => {
    await fc.assert(hugeBodyProperty(env), { seed, numRuns: 6 })
  })
})
