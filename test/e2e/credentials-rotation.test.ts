import { expect } from 'chai'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import * as es9 from '@elastic/elasticsearch'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { CLIENT_VARIANTS } from '../support/client-variants'

/**
 * A long run, compressed: continuous `helpers.bulk` ingestion while the credentials rotate 60
 * times, in real time. The provider behaves like STS with very short sessions: every call
 * issues a new key that expires 1.5 s later; the emulator accepts each key from the moment it
 * is issued and, like AWS, refuses it ("security token … expired") from its expiration on.
 * With `credentialsRefreshMarginMs: 500` the cache must switch keys before they expire, in the
 * background, so no request is refused, no request waits for the provider, and every document
 * arrives.
 *
 * The four client/connection variants run at the same time, each against its own emulator,
 * to keep the file at about 40 s.
 */

const REGION = 'eu-west-1'
const ROTATIONS = 60
const LIFETIME_MS = 1500
const MARGIN_MS = 500
/** STS round trip. A request that had to wait for it would take at least this long. */
const PROVIDER_LATENCY_MS = 150

const variants = CLIENT_VARIANTS

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

interface RunSummary {
  name: string
  elapsedMs: number
  providerCalls: number
  documents: number
  bulkResult: { total: number; successful: number; failed: number }
  stored: number
  requests: number
  refused: number
  keysUsed: number
  /** Provider calls made while requests waited for them (past the stale point). */
  foregroundRefreshes: number
  /** Slowest request after the cold start, start to end as the transport saw it. */
  slowestMs: number
}

async function rotationRun(variant: (typeof variants)[number]): Promise<RunSummary> {
  const emu: Emulator = await startEmulator({ credentials: [], region: REGION, service: 'es' })
  const timers = new Set<NodeJS.Timeout>()
  let calls = 0
  let firstKeyAt: number | undefined
  let previousExpiration: number | undefined
  let foregroundRefreshes = 0
  const provider = async () => {
    calls += 1
    const n = calls
    // The cache serves a key until `expiration - margin`; a call after that point means
    // requests are waiting for this one.
    if (previousExpiration !== undefined && Date.now() >= previousExpiration - MARGIN_MS) {
      foregroundRefreshes += 1
    }
    await sleep(PROVIDER_LATENCY_MS)
    const creds = {
      accessKeyId: `AKIDROTATE${String(n).padStart(3, '0')}`,
      secretAccessKey: `rotate/secret+${n}`,
      sessionToken: `rotate-session-${n}`,
    }
    const expiration = new Date(Date.now() + LIFETIME_MS)
    firstKeyAt ??= Date.now()
    previousExpiration = expiration.getTime()
    emu.addCredentials(creds)
    // What AWS does: the temporary key works until its expiration, and not a moment longer.
    const timer = setTimeout(() => {
      timers.delete(timer)
      emu.revoke(creds.accessKeyId, { kind: 'expired' })
    }, LIFETIME_MS)
    timers.add(timer)
    return { ...creds, expiration }
  }

  const client = variant.make(emu.url, {
    region: REGION,
    credentials: provider,
    credentialsRefreshMarginMs: MARGIN_MS,
  }) as es9.Client

  const started = new Map<string | number, number>()
  let slowestMs = 0
  client.diagnostic.on('request', (_err, event) => {
    const id = event?.meta.request.id
    if (id !== undefined && !started.has(id)) started.set(id, Date.now())
  })
  client.diagnostic.on('response', (_err, event) => {
    const id = event?.meta.request.id
    const at = id === undefined ? undefined : started.get(id)
    if (at === undefined || id === undefined) return
    started.delete(id)
    // The requests of the cold start wait for the first key; that is not a rotation.
    if (firstKeyAt === undefined || at < firstKeyAt) return
    slowestMs = Math.max(slowestMs, Date.now() - at)
  })

  const index = 'rotation'
  let documents = 0
  async function* datasource(): AsyncGenerator<{ n: number; text: string }> {
    // About 2,000 documents a second until the 60th rotation has happened.
    while (calls <= ROTATIONS) {
      for (let i = 0; i < 10; i++) {
        documents += 1
        yield { n: documents, text: `document ${documents} written while rotating` }
      }
      await sleep(5)
    }
  }

  const t0 = Date.now()
  try {
    const result = await client.helpers.bulk({
      datasource: datasource(),
      onDocument: (doc) => ({ index: { _index: index, _id: `doc-${doc.n}` } }),
      flushBytes: 5000,
      flushInterval: 200,
      concurrency: 4,
      onDrop: (dropped) => {
        throw new Error(`${variant.name}: document dropped: ${JSON.stringify(dropped.error)}`)
      },
    })
    return {
      name: variant.name,
      elapsedMs: Date.now() - t0,
      providerCalls: calls,
      documents,
      bulkResult: { total: result.total, successful: result.successful, failed: result.failed },
      stored: emu.store.documentCount(index),
      requests: emu.verdicts.length,
      refused: emu.verdicts.filter((v) => !v.ok).length,
      foregroundRefreshes,
      keysUsed: new Set(emu.verdicts.filter((v) => v.ok).map((v) => v.accessKeyId)).size,
      slowestMs,
    }
  } finally {
    for (const timer of timers) clearTimeout(timer)
    await client.close()
    await emu.close()
  }
}

describe('e2e credentials, rotation during a long helpers.bulk run', function () {
  this.timeout(90_000)

  it(`${ROTATIONS} rotations of ${LIFETIME_MS} ms credentials: no refused request, no failed document (9.x/8.x x Undici/Http)`, async () => {
    const lag = monitorEventLoopDelay({ resolution: 10 })
    lag.enable()
    const summaries = await Promise.all(variants.map((variant) => rotationRun(variant)))
    lag.disable()
    for (const s of summaries) console.log(`      ${JSON.stringify(s)}`)
    console.log(`      event loop delay: max ${Math.round(lag.max / 1e6)} ms`)
    for (const s of summaries) {
      const label = s.name
      expect(s.providerCalls, `${label}: provider calls`).to.equal(ROTATIONS + 1)
      expect(s.bulkResult.failed, `${label}: failed documents`).to.equal(0)
      expect(s.bulkResult.successful, `${label}: successful documents`).to.equal(s.documents)
      expect(s.stored, `${label}: documents at the server`).to.equal(s.documents)
      // A key is dropped 500 ms before it expires, so a request is refused only if it spends
      // that long between signing and arrival (an event-loop stall); it is then retried with
      // the next key, which is why no document failed. Observed: 0.
      expect(s.refused, `${label}: requests refused by the endpoint`).to.be.at.most(3)
      // The 61st key may be issued as the run ends and never be used.
      expect(s.keysUsed, `${label}: keys used`).to.be.at.least(ROTATIONS)
      // Refreshes happen in the background, while the previous key is still served. A stall
      // of the event loop longer than the 500 ms window (GC, a busy machine) can push one past
      // the stale point, hence the small allowance; before the fix 53 of 60 were foreground.
      expect(s.foregroundRefreshes, `${label}: refreshes requests waited for`).to.be.at.most(3)
    }
  })
})
