import { expect } from 'chai'
import * as es9 from '@elastic/elasticsearch'
import { AwsCredentialsError, createAwsSigV4Connection } from '../../lib'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { CALLBACK_VARIANTS, CLIENT_VARIANTS } from '../support/client-variants'
import { installFakeClock, runTimersUntilSettled } from '../support/fake-clock'
import type { InstalledClock } from '../support/fake-clock'
import type { AnyClient, ClientVariant, NodeSpec, SignedOptions } from '../support/client-variants'

/**
 * A credential provider that throws, or never answers: the request fails fast with a clear
 * ConnectionError naming the source, nothing reaches the endpoint, and the same client works
 * again as soon as the provider does, with `maxRetries: 0` and with the client's default
 * retries (the transport marks the node dead on a ConnectionError).
 *
 * Durations are virtual (a fake clock: Date and timers move only when the test runs them), so
 * they are exact on any machine: "fails at once" is 0 ms, "fails after the 300 ms timeout" is
 * 300 ms, not a window around the wall clock.
 */

const REGION = 'eu-west-1'
const CREDS = {
  accessKeyId: 'AKIDPROVIDERFAIL',
  secretAccessKey: 'provider/fail+secret',
  sessionToken: 'provider-fail-session-token',
}
const SOURCE = 'credentials provider function'

const variants = CLIENT_VARIANTS

/** Per-request option: no sleep between the transport's retries, to keep the tests short. */
const NO_BACKOFF = { retryBackoff: () => 0 }

/** A provider whose behaviour the test switches: 'ok', 'throw' or 'hang'. */
function switchableProvider(): {
  mode: 'ok' | 'throw' | 'hang'
  calls: number
  provider: () => Promise<typeof CREDS & { expiration: Date }>
} {
  const state = {
    mode: 'ok' as 'ok' | 'throw' | 'hang',
    calls: 0,
    provider: async () => {
      state.calls += 1
      if (state.mode === 'throw') {
        const err = new Error('Could not load credentials from STS: ThrottlingException')
        err.name = 'CredentialsProviderError'
        throw err
      }
      if (state.mode === 'hang') return new Promise<never>(() => {})
      return { ...CREDS, expiration: new Date(Date.now() + 3600_000) }
    },
  }
  return state
}

interface Outcome {
  error: (Error & { meta?: unknown }) | undefined
  /** Milliseconds on the clock in use: virtual under the fake clock. */
  elapsed: number
}

/** Runs a request; its outcome and what it took on the clock (virtual under the fake clock). */
async function attempt(run: () => Promise<unknown>): Promise<Outcome> {
  const started = Date.now()
  try {
    await run()
    return { error: undefined, elapsed: Date.now() - started }
  } catch (err) {
    return { error: err as Error, elapsed: Date.now() - started }
  }
}

/** Runs `work` with the fake clock installed, uninstalling it after. */
async function withFakeClock<T>(work: (clock: InstalledClock) => Promise<T>): Promise<T> {
  const clock = installFakeClock()
  try {
    return await work(clock)
  } finally {
    clock.uninstall()
  }
}

/**
 * A request that can fail without reaching the network, on the fake clock: its timers are run
 * in order until it settles, so `elapsed` is exactly the time it waited for (0: no timer).
 */
function failOnTimers(run: () => Promise<unknown>): Promise<Outcome & { value?: unknown }> {
  return withFakeClock(async (clock) => {
    let value: unknown
    const outcome = attempt(async () => {
      value = await run()
    })
    await runTimersUntilSettled(clock, outcome)
    return { ...(await outcome), value }
  })
}

function expectCredentialsFailure(variant: ClientVariant, outcome: Outcome, detail: RegExp): void {
  const err = outcome.error
  expect(err, 'the request should have failed').to.be.instanceOf(Error)
  expect(err!.name).to.equal('ConnectionError')
  expect(err!.message).to.include(SOURCE)
  expect(err!.message).to.match(detail)
  // The client's own ConnectionError, so `instanceof errors.ConnectionError` works for users.
  expect(err).to.be.instanceOf(variant.module.errors.ConnectionError)
  if (variant.major === 9) {
    // 9.x keeps the original error as `cause`; 8.x's transport drops it (message kept).
    const cause = (err as Error & { cause?: unknown }).cause
    expect(cause).to.be.instanceOf(AwsCredentialsError)
    expect((cause as AwsCredentialsError).source).to.equal(SOURCE)
  }
}

for (const variant of variants) {
  describe(`e2e credentials, failing provider: ${variant.name}`, function () {
    this.timeout(30_000)
    let emu: Emulator
    const clients: AnyClient[] = []
    const make = (opts: SignedOptions, extra?: object, nodes?: NodeSpec): es9.Client => {
      const client = variant.make(nodes ?? emu.url, { region: REGION, ...opts }, extra)
      clients.push(client)
      return client as es9.Client
    }

    before(async () => {
      emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es' })
    })
    beforeEach(() => emu.clearVerdicts())
    after(async () => {
      for (const client of clients) await client.close()
      await emu.close()
    })

    it('a throwing provider: ConnectionError naming the source at once, nothing sent; then recovery', async () => {
      const p = switchableProvider()
      const client = make({ credentials: p.provider }, { maxRetries: 0 })
      p.mode = 'throw'
      const failed = await failOnTimers(() => client.info())
      expectCredentialsFailure(variant, failed, /ThrottlingException/)
      // At once: it failed before any timer fired (the provider timeout, a back-off).
      expect(failed.elapsed).to.equal(0)
      expect(p.calls).to.equal(1)
      expect(emu.verdicts).to.have.length(0)

      // Failures are not cached: the next request asks again.
      const again = await attempt(() => client.info())
      expectCredentialsFailure(variant, again, /ThrottlingException/)
      expect(p.calls).to.equal(2)

      p.mode = 'ok'
      await client.info()
      expect(p.calls).to.equal(3)
      expect(emu.verdicts.map((v) => [v.ok, v.status])).to.deep.equal([[true, 200]])
    })

    it('a provider that never answers: fails after credentialsTimeoutMs, nothing sent; then recovery', async () => {
      const p = switchableProvider()
      const client = make({ credentials: p.provider, credentialsTimeoutMs: 300 }, { maxRetries: 0 })
      p.mode = 'hang'
      const failed = await failOnTimers(() => client.info())
      expectCredentialsFailure(variant, failed, /timed out after 300 ms/)
      // Exactly one provider timeout: still pending until 300 ms, failed at 300 ms.
      expect(failed.elapsed).to.equal(300)
      expect(p.calls).to.equal(1)
      expect(emu.verdicts).to.have.length(0)

      // Concurrent requests share the one hanging call and time out together.
      const many = await failOnTimers(() =>
        Promise.all(Array.from({ length: 20 }, () => attempt(() => client.info()))),
      )
      for (const outcome of many.value as Outcome[]) {
        expectCredentialsFailure(variant, outcome, /timed out after 300 ms/)
        expect(outcome.elapsed).to.equal(300)
      }
      expect(many.elapsed).to.equal(300)
      expect(p.calls).to.equal(2)
      expect(emu.verdicts).to.have.length(0)

      p.mode = 'ok'
      await client.info()
      expect(p.calls).to.equal(3)
      expect(emu.verdicts.map((v) => v.ok)).to.deep.equal([true])
    })

    it('a provider that never answers, requestTimeout shorter: fails after requestTimeout', async () => {
      const p = switchableProvider()
      const client = make({ credentials: p.provider }, { maxRetries: 0, requestTimeout: 2000 })
      p.mode = 'hang'
      const failed = await failOnTimers(() => client.info())
      expectCredentialsFailure(variant, failed, /timed out after 2000 ms, the request's timeout/)
      // The request's 2 s, not credentialsTimeoutMs's 10 s.
      expect(failed.elapsed).to.equal(2000)
      expect(emu.verdicts).to.have.length(0)
    })

    it('default maxRetries: the transport retries the provider, then the single node recovers', async () => {
      const p = switchableProvider()
      const client = make({ credentials: p.provider })
      p.mode = 'throw'
      const failed = await failOnTimers(() => client.info({}, NO_BACKOFF))
      expectCredentialsFailure(variant, failed, /ThrottlingException/)
      expect(p.calls, '1 attempt + 3 retries').to.equal(4)
      expect(failed.elapsed).to.equal(0)
      expect(emu.verdicts).to.have.length(0)

      // The node was "marked dead" four times; a single-node pool ignores that: the next request
      // is answered without waiting on any timer (no virtual time passes while it runs; a wait
      // for a resurrection would never end, and the test would time out).
      p.mode = 'ok'
      const recovered = await withFakeClock(() => attempt(() => client.info()))
      expect(recovered.error).to.equal(undefined)
      expect(recovered.elapsed).to.equal(0)
      expect(emu.verdicts.map((v) => v.ok)).to.deep.equal([true])

      // A provider that fails twice and then answers: the transport's retry gets through.
      emu.clearVerdicts()
      let failures = 2
      const flaky = make({
        credentials: async () => {
          if (failures-- > 0) throw new Error('IMDS: connect ECONNREFUSED 169.254.169.254:80')
          return CREDS
        },
      })
      await flaky.info({}, NO_BACKOFF)
      expect(emu.verdicts.map((v) => v.ok)).to.deep.equal([true])
    })

    it('a wrongly shaped answer: fails at the first call naming the field, not retried', async () => {
      let calls = 0
      const client = make({
        credentials: (async () => {
          calls += 1
          return { accessKeyId: 'x' }
        }) as never,
      })
      // The client's default retries and back-off: a programming error is not worth either.
      const failed = await failOnTimers(() => client.info())
      expect(failed.error).to.be.instanceOf(AwsCredentialsError)
      expect(failed.error!.name).to.equal('AwsCredentialsError')
      expect(failed.error!.message).to.match(/`secretAccessKey` must be a non-empty string/)
      expect(calls).to.equal(1)
      expect(failed.elapsed).to.equal(0)
      expect(emu.verdicts).to.have.length(0)
    })

    it('two nodes in a ClusterConnectionPool: both marked dead by the outage, both usable after', async () => {
      const p = switchableProvider()
      const Pool = variant.module.ClusterConnectionPool
      const client = make({ credentials: p.provider }, { ConnectionPool: Pool }, [
        { url: new URL(emu.url), id: 'a' },
        { url: new URL(emu.url), id: 'b' },
      ])
      p.mode = 'throw'
      const failed = await attempt(() => client.info({}, NO_BACKOFF))
      expectCredentialsFailure(variant, failed, /ThrottlingException/)
      const pool = client.connectionPool as unknown as { dead: string[] }
      expect(pool.dead, 'dead nodes after the outage').to.have.length(2)
      expect(emu.verdicts).to.have.length(0)

      p.mode = 'ok'
      // With every node dead the pool still hands them out: the first success marks its node
      // alive, and every later request goes to that node. The other one stays out of rotation
      // until its resurrectTimeout (60 s x 2^(deadCount - 1)) passes and a ping revives it:
      // a credentials outage is treated like a network fault of every node.
      for (let i = 0; i < 4; i++) await client.info()
      expect(emu.verdicts).to.have.length(4)
      expect(emu.verdicts.every((v) => v.ok)).to.equal(true)
      expect(pool.dead, 'dead nodes after recovery').to.have.length(1)
    })
  })
}

describe('e2e credentials, failing provider: default maxRetries and default backoff (9.x)', function () {
  this.timeout(30_000)

  it('reports how long a request takes to fail, then recovers', async () => {
    const emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es' })
    const p = switchableProvider()
    const calledAt: number[] = []
    const client = new es9.Client({
      node: emu.url,
      Connection: createAwsSigV4Connection({
        region: REGION,
        credentials: () => {
          calledAt.push(Date.now())
          return p.provider()
        },
      }),
    })
    try {
      p.mode = 'throw'
      const failed = await failOnTimers(() => client.info())
      expect(failed.error?.name).to.equal('ConnectionError')
      expect(p.calls).to.equal(4)
      // Between provider calls, only the transport's back-offs (1-2 s, then 2-4 s twice); the
      // request fails as the fourth call does.
      const gaps = calledAt.slice(1).map((at, i) => at - calledAt[i])
      expect(gaps).to.have.length(3)
      expect(gaps[0]).to.be.within(1000, 2000)
      expect(gaps[1]).to.be.within(2000, 4000)
      expect(gaps[2]).to.be.within(2000, 4000)
      expect(failed.elapsed).to.equal(calledAt[3] - calledAt[0])
      expect(failed.elapsed).to.be.within(5000, 10_000)
      expect(emu.verdicts).to.have.length(0)
      p.mode = 'ok'
      await client.info()
      expect(emu.verdicts.map((v) => v.ok)).to.deep.equal([true])
      console.log(`      failed after ${failed.elapsed} ms and ${p.calls - 1} provider calls`)
    } finally {
      await client.close()
      await emu.close()
    }
  })
})

for (const variant of CALLBACK_VARIANTS) {
  describe(`e2e credentials, failing provider: ${variant.name}`, function () {
    this.timeout(30_000)
    let emu: Emulator

    before(async () => {
      emu = await startEmulator({ credentials: CREDS, region: REGION, engine: variant.engine })
    })
    after(() => emu.close())

    it('a provider that never answers, requestTimeout shorter: fails after requestTimeout', async () => {
      const p = switchableProvider()
      p.mode = 'hang'
      const client = variant.make(
        emu.url,
        { region: REGION, credentials: p.provider },
        { maxRetries: 0, requestTimeout: 2000 },
      )
      try {
        const failed = await failOnTimers(() => client.info())
        expect(failed.error?.name).to.equal('ConnectionError')
        expect(failed.error?.message).to.match(/timed out after 2000 ms, the request's timeout/)
        expect(failed.elapsed).to.equal(2000)
        expect(emu.verdicts).to.have.length(0)
      } finally {
        await client.close()
      }
    })
  })
}
