import { expect } from 'chai'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { CORE_VARIANTS } from '../support/client-variants'
import type { CoreClient } from '../support/client-variants'

/**
 * The machine clock 15 minutes behind or ahead of AWS's: the first request gets AWS's
 * "Signature expired" / "Signature not yet current" 403, the connection learns the offset from
 * the response's Date header, retries once, and every later request is signed right the first
 * time. So the number of 403s is bounded by the requests in flight before the offset was
 * learned, not by the number of requests. On every client of both lineages; for 7.14–7.17 the
 * product check (`GET /`) is the first request, and the one that learns the offset.
 */

const REGION = 'eu-west-1'
const CREDS = {
  accessKeyId: 'AKIDCLOCKSKEW',
  secretAccessKey: 'clock/skew+secret',
  sessionToken: 'clock-skew-session-token',
}
const SKEW_MS = 15 * 60_000

const variants = CORE_VARIANTS

const cases = [
  { machine: 'behind', skew: +SKEW_MS, reason: 'expired', text: /^Signature expired:/ },
  { machine: 'ahead of', skew: -SKEW_MS, reason: 'not-yet-current', text: /^Signature not yet/ },
] as const

for (const variant of variants) {
  describe(`e2e credentials, clock skew: ${variant.name}`, function () {
    this.timeout(30_000)
    let emu: Emulator
    const clients: CoreClient[] = []
    const make = (): CoreClient => {
      const client = variant.make(emu.url, { region: REGION, credentials: CREDS })
      clients.push(client)
      return client
    }
    /** The product check's answer, when the client sends one first: accepted once re-signed. */
    const checked = Array.from({ length: variant.productCheckRequests }, () => [200, 'ok'])

    before(async () => {
      emu = await startEmulator({
        credentials: CREDS,
        region: REGION,
        service: 'es',
        engine: variant.engine,
      })
    })
    beforeEach(() => emu.clearVerdicts())
    after(async () => {
      for (const client of clients) await client.close()
      await emu.close()
    })

    for (const { machine, skew, reason, text } of cases) {
      const index = `skew-${reason}`

      it(`machine clock 15 min ${machine} AWS: one 403 for the first request, none after`, async () => {
        emu.setClockSkew(skew)
        const client = make()
        await client.index({ index, id: 'first', document: { n: 0 } })
        expect(emu.verdicts.map((v) => [v.status, v.reason])).to.deep.equal([
          [403, reason],
          ...checked,
          [201, 'ok'],
        ])
        expect(emu.verdicts[0].message).to.match(text)

        const results = await Promise.allSettled(
          Array.from({ length: 200 }, (_, i) =>
            client.index({ index, id: `doc-${i}`, document: { n: i } }),
          ),
        )
        expect(results.filter((r) => r.status === 'rejected')).to.have.length(0)
        expect(emu.verdicts).to.have.length(202 + checked.length)
        expect(emu.verdicts.filter((v) => !v.ok)).to.have.length(1)
        expect(emu.store.documentCount(index)).to.equal(201)
      })

      it(`machine clock 15 min ${machine} AWS, 100 concurrent first requests: each retried once, all succeed`, async () => {
        emu.setClockSkew(skew)
        const client = make()
        const burst = (from: number): Promise<PromiseSettledResult<unknown>[]> =>
          Promise.allSettled(
            Array.from({ length: 100 }, (_, i) =>
              client.index({ index: `${index}-burst`, id: `doc-${from + i}`, document: { i } }),
            ),
          )
        const first = await burst(0)
        expect(first.filter((r) => r.status === 'rejected')).to.have.length(0)
        const rejected = emu.verdicts.filter((v) => !v.ok)
        // At most one 403 per request that was signed before the offset was known.
        expect(rejected.length).to.be.within(1, 100)
        expect(rejected.every((v) => v.reason === reason)).to.equal(true)
        expect(emu.verdicts).to.have.length(100 + checked.length + rejected.length)

        const second = await burst(100)
        expect(second.filter((r) => r.status === 'rejected')).to.have.length(0)
        expect(
          emu.verdicts.filter((v) => !v.ok),
          'no 403 once the offset is known',
        ).to.have.length(rejected.length)
        expect(emu.store.documentCount(`${index}-burst`)).to.equal(200)
        emu.setClockSkew(0)
      })
    }

    it('an absurd Date (10 years off) is not learned: requests keep being sent, and heal once the Date is right', async () => {
      const YEARS = 10 * 365 * 24 * 60 * 60_000
      let calls = 0
      const client = variant.make(emu.url, {
        region: REGION,
        credentials: async () => {
          calls += 1
          return { ...CREDS, expiration: new Date(Date.now() + 3600_000) }
        },
      })
      clients.push(client)
      emu.setClockSkew(15 * 60_000)
      emu.setDateHeaderSkew(YEARS)
      try {
        for (let i = 0; i < 5; i++) {
          const err = await client.info().catch((e: unknown) => e)
          // AWS's refusal each time, one attempt each: no credentials error, nothing withheld.
          expect((err as { meta?: { statusCode?: number } }).meta?.statusCode).to.equal(403)
        }
        expect(emu.verdicts.map((v) => v.reason)).to.deep.equal(Array(5).fill('expired'))
        expect(calls).to.equal(1)
        emu.setDateHeaderSkew(0)
        await client.info()
        await client.info()
        expect(emu.verdicts.slice(5).map((v) => v.status)).to.deep.equal([403, 200, 200])
      } finally {
        emu.setClockSkew(0)
        emu.setDateHeaderSkew(0)
      }
    })

    it('a wrong offset learned from a one-off bogus Date is replaced by the next skew rejection', async () => {
      emu.setClockSkew(0)
      const client = make()
      // One refusal, as if AWS's clock were 3 hours ahead; the emulator's own clock is right.
      let bogus = true
      const unhook = emu.onRequest(() => {
        if (!bogus) return undefined
        bogus = false
        return {
          status: 403,
          body: { message: 'Signature not yet current: (bogus)' },
          headers: { date: new Date(Date.now() + 3 * 3600_000).toUTCString() },
        }
      })
      try {
        const err = await client.info().catch((e: unknown) => e)
        // Its retry, signed 3 hours ahead, meets the real clock, which corrects the offset.
        expect((err as { meta?: { statusCode?: number } }).meta?.statusCode).to.equal(403)
        expect(emu.verdicts.map((v) => [v.status, v.reason])).to.deep.equal([
          [403, 'ok'],
          [403, 'not-yet-current'],
        ])
        await Promise.all(Array.from({ length: 20 }, () => client.info()))
        expect(emu.verdicts.slice(2).every((v) => v.ok && v.status === 200)).to.equal(true)
      } finally {
        unhook()
      }
    })

    it('a client whose clock is right sends no 403 and learns nothing', async () => {
      emu.setClockSkew(0)
      const client = make()
      await Promise.all(Array.from({ length: 50 }, () => client.info()))
      expect(emu.verdicts).to.have.length(50)
      expect(emu.verdicts.every((v) => v.ok)).to.equal(true)
    })
  })
}
