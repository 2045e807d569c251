import { expect } from 'chai'
import { createServer, connect } from 'node:net'
import type { errors } from '@elastic/elasticsearch'
import type { AddressInfo, Server, Socket } from 'node:net'
import { startEmulator } from '../../lib/testing'
import { parseAmzDate } from '../../lib/testing/verifier'
import type { Emulator, FaultAction, FaultContext } from '../../lib/testing'
import { installFakeDate } from '../support/fake-clock'
import type { InstalledClock } from '../support/fake-clock'
import {
  BASES,
  CREDS,
  REGION,
  TESTED_BASES,
  describeVerdicts,
  signedClient,
  withoutNock,
} from './support'
import type { BaseName } from './support'

/**
 * Server faults: dropped connections (before and in the middle of a response), 5xx and 429
 * answers, answers slower than the request timeout. Whatever the client retries must be signed
 * afresh, and every attempt that reaches the server must pass its SigV4 check.
 *
 * `Date` is fake (timers and I/O are real): it moves only when a request reaches the emulator,
 * by `stepMs` (1 s unless a test says otherwise), so "signed afresh" is checked exactly: each
 * attempt's `x-amz-date` is the second it arrived in, one second after the attempt before.
 */

type Plan = (ctx: FaultContext) => FaultAction | undefined

/** No backoff between retries: the tests are about signing, not waiting. */
const NO_BACKOFF = { retryBackoff: () => 0 } as never

/**
 * A TCP proxy in front of the emulator that, when armed, forwards only the first bytes of the
 * next response and then drops both sides: a connection lost in the middle of a response.
 */
interface CuttingProxy {
  url: string
  /** Cut the next `n` responses. */
  cut(n: number): void
  close(): Promise<void>
}

async function startCuttingProxy(port: number): Promise<CuttingProxy> {
  let toCut = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((downstream) => {
    const upstream = connect(port, '127.0.0.1')
    sockets.add(downstream).add(upstream)
    downstream.on('close', () => sockets.delete(downstream))
    upstream.on('close', () => sockets.delete(upstream))
    downstream.pipe(upstream)
    upstream.on('data', (chunk: Buffer) => {
      if (toCut > 0) {
        toCut -= 1
        // Status line and some headers only: a response cut short.
        downstream.write(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2))))
        downstream.destroy()
        upstream.destroy()
        return
      }
      downstream.write(chunk)
    })
    upstream.on('end', () => downstream.end())
    upstream.on('error', () => downstream.destroy())
    downstream.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: (n) => {
      toCut = n
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

describe('reliability: server faults, retries and helpers.bulk under 429', function () {
  this.timeout(60_000)
  withoutNock()
  let emu: Emulator
  let proxy: CuttingProxy
  let plan: Plan | undefined
  const attempts: FaultContext[] = []
  let clock: InstalledClock | undefined
  /** How far the fake date moves each time a request arrives. */
  let stepMs = 1000

  before(async () => {
    emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es' })
    proxy = await startCuttingProxy(emu.port)
    emu.onRequest((ctx) => {
      attempts.push(ctx)
      // After the verdict (dated on arrival): whatever is signed next is signed later.
      clock?.tick(stepMs)
      return plan?.(ctx)
    })
  })
  after(async () => {
    await proxy.close()
    await emu.close()
  })
  beforeEach(() => {
    plan = undefined
    stepMs = 1000
    attempts.length = 0
    emu.clearVerdicts()
    clock = installFakeDate()
  })
  afterEach(() => {
    clock?.uninstall()
    clock = undefined
    // Whatever happened, every request that reached the server carried a valid signature.
    const bad = emu.verdicts.filter((v) => !v.ok || v.status === 403)
    expect(bad, describeVerdicts(bad)).to.have.length(0)
  })

  /**
   * Every attempt verified, and dated when it was sent: its x-amz-date is the second it
   * arrived in (the date moves only on arrivals), one `stepMs` after the attempt before. An
   * attempt that reused an earlier signature would carry that earlier date.
   */
  function expectEachAttemptSignedAfresh(count: number): void {
    expect(emu.verdicts, describeVerdicts(emu.verdicts)).to.have.length(count)
    expect(attempts).to.have.length(count)
    for (const [i, v] of emu.verdicts.entries()) {
      expect(v.ok, `attempt ${i + 1}`).to.equal(true)
      const signedAt = parseAmzDate(attempts[i].headers['x-amz-date'])!
      const arrivedSecond = Math.floor(Date.parse(v.time) / 1000) * 1000
      expect(signedAt, `attempt ${i + 1} signed when sent`).to.equal(arrivedSecond)
      if (i > 0) {
        const previous = parseAmzDate(attempts[i - 1].headers['x-amz-date'])!
        expect(signedAt - previous, `attempt ${i + 1} signed after attempt ${i}`).to.equal(stepMs)
      }
    }
  }

  for (const base of TESTED_BASES) {
    describe(base, () => {
      it('connection dropped before any answer (twice): retried, each attempt verified', async () => {
        const client = signedClient(emu.url, base, {}, { maxRetries: 3 })
        let n = 0
        plan = () => (++n <= 2 ? { destroy: true } : undefined)
        const info = await client.info({}, NO_BACKOFF)
        expect(info.version.number).to.be.a('string')
        expectEachAttemptSignedAfresh(3)
        expect(emu.verdicts.map((v) => v.fault ?? 'answered')).to.deep.equal([
          'destroy',
          'destroy',
          'answered',
        ])
        await client.close()
      })

      it('connection dropped in the middle of the response: retried, each attempt verified', async () => {
        const client = signedClient(proxy.url, base, {}, { maxRetries: 3 })
        proxy.cut(2)
        const res = await client.index(
          { index: `cut-${base}`, id: 'a b', document: { n: 1 } },
          NO_BACKOFF,
        )
        expect(res.result).to.be.oneOf(['created', 'updated'])
        // The store answered all three: the first two answers were cut on their way back.
        expectEachAttemptSignedAfresh(3)
        expect(emu.verdicts.map((v) => v.status)).to.deep.equal([201, 200, 200])
        await client.close()
      })

      it('502 and 503 are retried, re-signed; 500 and 429 surface as ResponseError', async () => {
        const client = signedClient(emu.url, base, {}, { maxRetries: 3 })
        const statuses = [502, 503]
        plan = () => {
          const status = statuses.shift()
          return status === undefined ? undefined : { status, body: { error: 'busy', status } }
        }
        await client.info()
        expectEachAttemptSignedAfresh(3)

        for (const status of [500, 429]) {
          emu.clearVerdicts()
          attempts.length = 0
          plan = () => ({ status, body: { error: 'nope', status } })
          const err = await client.info().catch((e: unknown) => e)
          expect((err as Error).name).to.equal('ResponseError')
          expect((err as InstanceType<typeof errors.ResponseError>).meta.statusCode).to.equal(
            status,
          )
          expectEachAttemptSignedAfresh(1)
        }
        await client.close()
      })

      it('an answer slower than requestTimeout: TimeoutError; the next request is signed afresh', async () => {
        // 9.x and 8.19 do not retry timeouts (the client does not pass retryOnTimeout to the
        // transport); 8.13's transport retries them, each attempt signed afresh.
        const tries = BASES[base].timeoutsRetried ? 1 + 3 : 1
        // The short timeout on the slow request only: the one after must not race a timer.
        const client = signedClient(emu.url, base, {}, { maxRetries: 3 })
        plan = () => ({ delayMs: 1500 })
        const slow = { requestTimeout: 200, retryBackoff: () => 0 } as never
        const err = await client.info({}, slow).catch((e: unknown) => e)
        expect((err as Error).name, String(err)).to.equal('TimeoutError')
        expectEachAttemptSignedAfresh(tries)
        plan = undefined
        const info = await client.info()
        expect(info.version.number).to.be.a('string')
        expectEachAttemptSignedAfresh(tries + 1)
        await client.close()
      })
    })
  }

  const signature = (auth: string): string => /Signature=([0-9a-f]{64})$/.exec(auth)![1]

  /** One request whose first attempt is dropped: the headers of both attempts, each verified. */
  async function retriedOnce(): Promise<Array<FaultContext['headers']>> {
    const client = signedClient(emu.url, 'undici-9', {}, { maxRetries: 1 })
    let n = 0
    plan = () => (++n === 1 ? { destroy: true } : undefined)
    try {
      await client.info({}, NO_BACKOFF)
    } finally {
      await client.close()
    }
    expectEachAttemptSignedAfresh(2)
    return attempts.map((a) => a.headers)
  }

  it('a retry 1 s later carries its own x-amz-date and signature', async () => {
    const [first, second] = await retriedOnce()
    expect(second['x-amz-date'] > first['x-amz-date']).to.equal(true)
    expect(signature(second.authorization)).not.to.equal(signature(first.authorization))
  })

  it('a retry within the same second carries the same x-amz-date, and so the same signature', async () => {
    // x-amz-date has second resolution: re-signing the same request in the same second gives
    // the same signature. Signed afresh all the same: a later second would give a new one.
    stepMs = 0
    const [first, second] = await retriedOnce()
    expect(second['x-amz-date']).to.equal(first['x-amz-date'])
    expect(signature(second.authorization)).to.equal(signature(first.authorization))
  })

  for (const base of ['undici-9', 'http-8'] as BaseName[]) {
    it(`${base}: helpers.bulk with per-item 429s and whole-request 503s loses no document and indexes none twice`, async () => {
      const N = 3000
      const index = `bulk429-${base}`
      const indexedTimes = new Map<number, number>()
      const triesOf = new Map<number, number>()
      const bodiesSeen = new Set<string>()
      plan = (ctx) => {
        if (ctx.method !== 'POST' || !ctx.path.endsWith('/_bulk')) return undefined
        // The first try of every 4th distinct bulk body is refused whole: the transport retries
        // it (signed afresh), and nothing of it was indexed.
        const key = ctx.body.toString('base64')
        if (!bodiesSeen.has(key)) {
          bodiesSeen.add(key)
          if (bodiesSeen.size % 4 === 0) {
            return { status: 503, body: { error: 'unavailable', status: 503 } }
          }
        }
        const lines = ctx.body.toString('utf8').split('\n').filter(Boolean)
        const accepted: string[] = []
        const rejected = new Set<number>()
        for (let i = 0; i < lines.length; i += 2) {
          const n = (JSON.parse(lines[i + 1]) as { n: number }).n
          const tries = (triesOf.get(n) ?? 0) + 1
          triesOf.set(n, tries)
          // Document n is refused with 429 on its first (n % 3) tries.
          if (tries <= n % 3) rejected.add(i / 2)
          else accepted.push(lines[i], lines[i + 1])
        }
        const stored = emu.store.handle({
          method: 'POST',
          segments: ['_bulk'],
          query: new Map(),
          body: Buffer.from(accepted.join('\n') + '\n'),
        }).body as { items: Array<Record<string, { status: number }>> }
        const items: unknown[] = []
        let next = 0
        for (let i = 0; i < lines.length / 2; i++) {
          if (rejected.has(i)) {
            items.push({
              create: {
                _index: index,
                status: 429,
                error: {
                  type: 'es_rejected_execution_exception',
                  reason: 'rejected execution (queue capacity 200)',
                },
              },
            })
          } else {
            const item = stored.items[next++]
            items.push(item)
            if (item.create.status === 201) {
              const n = (JSON.parse(lines[i * 2 + 1]) as { n: number }).n
              indexedTimes.set(n, (indexedTimes.get(n) ?? 0) + 1)
            }
          }
        }
        return { status: 200, body: { took: 1, errors: rejected.size > 0, items } }
      }

      const client = signedClient(emu.url, base, {}, { maxRetries: 3 })
      const dropped: unknown[] = []
      const stats = await client.helpers.bulk({
        datasource: Array.from({ length: N }, (_, n) => ({ n, text: `doc ${n} ✓ a/b?c=d` })),
        onDocument: () => ({ create: { _index: index } }),
        onDrop: (d) => dropped.push(d),
        flushBytes: 20_000,
        concurrency: 4,
        retries: 3,
        wait: 10,
      })
      await client.close()

      expect(dropped).to.deep.equal([])
      expect(stats.successful).to.equal(N)
      expect(stats.failed).to.equal(0)
      expect(stats.retry).to.be.greaterThan(N / 2)
      expect(emu.store.documentCount(index)).to.equal(N)
      expect(indexedTimes.size).to.equal(N)
      expect([...indexedTimes.values()].every((t) => t === 1)).to.equal(true)
      const refusedWhole = emu.verdicts.filter((v) => v.status === 503).length
      expect(refusedWhole).to.be.greaterThan(0)
      expect(emu.verdicts.every((v) => v.ok)).to.equal(true)
    })
  }
})
