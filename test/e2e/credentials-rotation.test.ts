import { expect } from 'chai'
import * as es9 from '@elastic/elasticsearch'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { CLIENT_VARIANTS } from '../support/client-variants'
import type { ClientVariant } from '../support/client-variants'
import { installFakeClock } from '../support/fake-clock'
import type { InstalledClock } from '../support/fake-clock'

/**
 * A long run, compressed: continuous `helpers.bulk` ingestion while the credentials rotate 60
 * times. The provider behaves like STS with very short sessions: every call takes 150 ms and
 * issues a new key that expires 1.5 s later; the emulator accepts each key from the moment it
 * is issued and, like AWS, refuses it ("security token … expired") from its expiration on.
 * With `credentialsRefreshMarginMs: 500` the cache must switch keys before they expire, in the
 * background, so no request is refused, no request waits for the provider, and every document
 * arrives.
 *
 * Time is virtual (a fake clock for Date and timers): it moves only when the datasource
 * produces its next chunk, `STEP_MS` per chunk of about one bulk request. The network is real.
 * A request in flight holds up the helper after at most `concurrency` more chunks, so it sees
 * at most a few steps of virtual time pass — far less than the 500 ms margin — however slow the
 * machine. That is what makes every count below exact: a stalled event loop cannot push a
 * refresh past its window.
 */

const REGION = 'eu-west-1'
const ROTATIONS = 60
const LIFETIME_MS = 1500
const MARGIN_MS = 500
/** STS round trip, in virtual time. A request that had to wait for it would wait this long. */
const PROVIDER_LATENCY_MS = 150
/** Virtual time between chunks of the datasource. */
const STEP_MS = 50
const DOCS_PER_STEP = 10

interface RunSummary {
  name: string
  virtualMs: number
  providerCalls: number
  documents: number
  bulkResult: { total: number; successful: number; failed: number }
  stored: number
  requests: number
  refused: number
  keysUsed: number
  /** Provider calls made while requests waited for them (at or past the stale point). */
  foregroundRefreshes: number
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function rotationRun(variant: ClientVariant, clock: InstalledClock): Promise<RunSummary> {
  const emu: Emulator = await startEmulator({ credentials: [], region: REGION, service: 'es' })
  let calls = 0
  let issued = 0
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
    previousExpiration = expiration.getTime()
    emu.addCredentials(creds)
    // What AWS does: the temporary key works until its expiration, and not a moment longer.
    setTimeout(() => emu.revoke(creds.accessKeyId, { kind: 'expired' }), LIFETIME_MS)
    issued += 1
    return { ...creds, expiration }
  }

  const client = variant.make(emu.url, {
    region: REGION,
    credentials: provider,
    credentialsRefreshMarginMs: MARGIN_MS,
  }) as es9.Client

  const index = 'rotation'
  let documents = 0
  async function* datasource(): AsyncGenerator<{ n: number; text: string }> {
    const chunk = function* () {
      for (let i = 0; i < DOCS_PER_STEP; i++) {
        documents += 1
        yield { n: documents, text: `document ${documents} written while rotating` }
      }
    }
    // Until the 61st key is issued, i.e. 60 rotations after the first; then one more chunk,
    // signed with that key.
    while (issued <= ROTATIONS) {
      yield* chunk()
      await clock.tickAsync(STEP_MS)
    }
    yield* chunk()
  }

  const t0 = Date.now()
  try {
    const result = await client.helpers.bulk({
      datasource: datasource(),
      onDocument: (doc) => ({ index: { _index: index, _id: `doc-${doc.n}` } }),
      // About one chunk: every step sends one bulk request.
      flushBytes: 1000,
      flushInterval: 10 * STEP_MS,
      concurrency: 4,
      onDrop: (dropped) => {
        throw new Error(`${variant.name}: document dropped: ${JSON.stringify(dropped.error)}`)
      },
    })
    return {
      name: variant.name,
      virtualMs: Date.now() - t0,
      providerCalls: calls,
      documents,
      bulkResult: { total: result.total, successful: result.successful, failed: result.failed },
      stored: emu.store.documentCount(index),
      requests: emu.verdicts.length,
      refused: emu.verdicts.filter((v) => !v.ok).length,
      foregroundRefreshes,
      keysUsed: new Set(emu.verdicts.filter((v) => v.ok).map((v) => v.accessKeyId)).size,
    }
  } finally {
    await client.close()
    await emu.close()
  }
}

describe('e2e credentials, rotation during a long helpers.bulk run', function () {
  this.timeout(120_000)

  for (const variant of CLIENT_VARIANTS) {
    it(`${ROTATIONS} rotations of ${LIFETIME_MS} ms credentials: no refused request, no failed document, no wait (${variant.name})`, async () => {
      const clock = installFakeClock()
      let s: RunSummary
      try {
        s = await rotationRun(variant, clock)
      } finally {
        clock.uninstall()
      }
      console.log(`      ${JSON.stringify(s)}`)
      const label = s.name
      // One call per key: the first, then one per rotation; none wasted, none repeated.
      expect(s.providerCalls, `${label}: provider calls`).to.equal(ROTATIONS + 1)
      expect(s.keysUsed, `${label}: keys used`).to.equal(ROTATIONS + 1)
      expect(s.bulkResult.failed, `${label}: failed documents`).to.equal(0)
      expect(s.bulkResult.successful, `${label}: successful documents`).to.equal(s.documents)
      expect(s.stored, `${label}: documents at the server`).to.equal(s.documents)
      // A key is dropped 500 ms before it expires and no request is in flight that long, so
      // none is refused. (Before the background refresh, 53 of 60 refreshes were foreground.)
      expect(s.refused, `${label}: requests refused by the endpoint`).to.equal(0)
      // Refreshes happen in the background, while the previous key is still served.
      expect(s.foregroundRefreshes, `${label}: refreshes requests waited for`).to.equal(0)
    })
  }
})
