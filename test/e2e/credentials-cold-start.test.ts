import { expect } from 'chai'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { CORE_VARIANTS } from '../support/client-variants'
import type { CoreClient } from '../support/client-variants'

/**
 * Cold start under load: 1,000 requests issued at once on a client that has never fetched
 * credentials must cause exactly one provider call (single flight), and every request must
 * reach the verifying endpoint correctly signed. On every client of both lineages (for
 * 7.14–7.17, their product check is the first request and the others wait for it).
 */

const REGION = 'eu-west-1'
const CONCURRENCY = 1000

const variants = CORE_VARIANTS

for (const variant of variants) {
  describe(`e2e credentials, cold start: ${variant.name}`, function () {
    this.timeout(60_000)
    let emu: Emulator
    let client: CoreClient

    const CREDS = {
      accessKeyId: 'AKIDCOLDSTART',
      secretAccessKey: 'cold/start+secret',
      sessionToken: 'cold-start-session-token',
    }

    before(async () => {
      emu = await startEmulator({
        credentials: CREDS,
        region: REGION,
        service: 'es',
        engine: variant.engine,
      })
    })
    after(async () => {
      await client?.close()
      await emu.close()
    })

    it(`${CONCURRENCY} concurrent requests: one provider call, every request verified`, async () => {
      let calls = 0
      client = variant.make(emu.url, {
        region: REGION,
        credentials: async () => {
          calls += 1
          // A slow provider (STS, IMDS) widens the window in which requests pile up.
          await new Promise((resolve) => setTimeout(resolve, 100))
          return { ...CREDS, expiration: new Date(Date.now() + 3600_000) }
        },
      })
      const c = client
      const started = Date.now()
      const results = await Promise.allSettled(
        Array.from({ length: CONCURRENCY }, (_, i) =>
          i % 2 === 0 ? c.index({ index: 'cold', id: `doc-${i}`, document: { i } }) : c.info(),
        ),
      )
      const elapsed = Date.now() - started

      expect(calls, 'provider calls').to.equal(1)
      const errors = results.filter((r) => r.status === 'rejected')
      expect(errors, String(errors[0]?.reason)).to.have.length(0)
      expect(emu.verdicts).to.have.length(CONCURRENCY + variant.productCheckRequests)
      const bad = emu.verdicts.filter((v) => !v.ok || v.status >= 300)
      expect(bad, JSON.stringify(bad.slice(0, 3), null, 2)).to.have.length(0)
      expect(new Set(emu.verdicts.map((v) => v.accessKeyId))).to.deep.equal(
        new Set([CREDS.accessKeyId]),
      )
      expect(emu.store.documentCount('cold')).to.equal(CONCURRENCY / 2)
      // Documented for the report; not a performance assertion.
      console.log(`      ${CONCURRENCY} requests in ${elapsed} ms, ${calls} provider call`)
    })
  })
}
