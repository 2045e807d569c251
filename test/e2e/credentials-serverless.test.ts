import { expect } from 'chai'
import * as es9 from '@elastic/elasticsearch'
import { REFETCH_PAUSE_MS } from '../../lib/exchange/recovery'
import { CLIENT_VARIANTS } from '../support/client-variants'
import { emulatorPerSuite } from '../support/emulator-suite'
import { rotatingProvider, statusOf } from '../support/rotating-provider'
import type { SignedOptions } from '../support/client-variants'

/**
 * OpenSearch Serverless answers every refusal with the same bare 403
 * (`{"status":403,"request-id":…,"error":{"reason":"403 Forbidden","type":"Forbidden"}}`, and
 * `x-aoss-response-hint`), so no text tells a revoked key from a skewed clock or an access
 * policy. The connection tells them apart as the emulator's aoss mode lets it: a `Date` minutes
 * from the `x-amz-date` means the clock, else fresh credentials are tried once, and a permanent
 * 403 costs no more than one refetch per pause.
 */

const REGION = 'us-east-1'
const MINUTE = 60_000

for (const variant of CLIENT_VARIANTS) {
  const tag = `${variant.major}${variant.name.includes('Http') ? 'H' : 'U'}`

  describe(`e2e OpenSearch Serverless, bare 403s: ${variant.name}`, function () {
    this.timeout(30_000)
    const suite = emulatorPerSuite({ credentials: [], region: REGION, service: 'aoss' })
    const make = (opts: SignedOptions): es9.Client =>
      suite.track(
        variant.make(suite.emu.url, { region: REGION, service: 'aoss', ...opts }),
      ) as es9.Client

    it('a key revoked under 100 concurrent requests: one refetch, each retried once, all succeed', async () => {
      const p = rotatingProvider(suite.emu, `REV${tag}`)
      const client = make({ credentials: p.provider })
      await client.index({ index: 'rev', id: 'warm', document: { i: 0 } })
      suite.emu.revoke(p.keys[0])
      suite.emu.clearVerdicts()
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) =>
          client.index({ index: 'rev', id: `d-${i}`, document: { i } }),
        ),
      )
      expect(results.filter((r) => r.status === 'rejected')).to.have.length(0)
      expect(p.keys).to.have.length(2)
      const refused = suite.emu.verdicts.filter((v) => !v.ok)
      expect(refused).to.have.length(100)
      expect(refused.every((v) => v.status === 403 && v.accessKeyId === p.keys[0])).to.equal(true)
      expect(
        suite.emu.verdicts.filter((v) => v.ok).every((v) => v.accessKeyId === p.keys[1]),
      ).to.equal(true)
    })

    for (const skew of [+15 * MINUTE, -15 * MINUTE]) {
      it(`a clock 15 minutes ${skew > 0 ? 'behind' : 'ahead of'} Serverless: learned from the first 403, none after`, async () => {
        const p = rotatingProvider(suite.emu, `SKEW${tag}${skew > 0 ? 'B' : 'A'}`)
        const client = make({ credentials: p.provider })
        suite.emu.setClockSkew(skew)
        const index = `skew-${skew > 0 ? 'behind' : 'ahead'}`
        await client.index({ index, id: 'first', document: { n: 0 } })
        expect(suite.emu.verdicts.map((v) => [v.status, v.reason])).to.deep.equal([
          [403, skew > 0 ? 'expired' : 'not-yet-current'],
          [201, 'ok'],
        ])
        await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            client.index({ index, id: `d-${i}`, document: { n: i } }),
          ),
        )
        expect(suite.emu.verdicts.filter((v) => !v.ok)).to.have.length(1)
        expect(p.keys, 'the clock, not the credentials: no refetch').to.have.length(1)
      })
    }

    it('a permanent 403 (access policy): no refetch storm, and the hint in err.message', async () => {
      const p = rotatingProvider(suite.emu, `DENY${tag}`)
      const client = make({ credentials: p.provider })
      await client.index({ index: 'deny', id: 'warm', document: { a: 1 } })
      // From now on a data access policy denies everything: the signature is fine.
      const unhook = suite.emu.onRequest(() => ({
        status: 403,
        body: {
          status: 403,
          'request-id': '68c3ef72-91f2-9817-8255-bd9c39efeadb',
          error: { reason: '403 Forbidden', type: 'Forbidden' },
        },
        headers: { 'x-aoss-response-hint': 'X01:gw-helper-deny' },
      }))
      suite.emu.clearVerdicts()
      const started = Date.now()
      const WAVES = 10
      const CONCURRENCY = 40
      let firstError: unknown
      try {
        for (let wave = 0; wave < WAVES; wave++) {
          const results = await Promise.allSettled(
            Array.from({ length: CONCURRENCY }, (_, i) =>
              client.search({ index: 'deny', q: `n:${wave * CONCURRENCY + i}` }),
            ),
          )
          for (const r of results) {
            expect(r.status).to.equal('rejected')
            const err = (r as PromiseRejectedResult).reason as unknown
            expect(statusOf(err)).to.equal(403)
            firstError ??= err
          }
        }
      } finally {
        unhook()
      }
      const requests = WAVES * CONCURRENCY
      // One refetch for the first wave (shared), none after it within the pause; a run longer
      // than the pause may look once more per pause, never more.
      const pauses = Math.floor((Date.now() - started) / REFETCH_PAUSE_MS)
      expect(p.keys.length - 1, 'refetches').to.be.within(1, 1 + pauses)
      // The first wave's requests are each retried once with the refetched key; no other is.
      expect(suite.emu.verdicts.length - requests, 'retries').to.be.within(
        1,
        CONCURRENCY * (1 + pauses),
      )
      const message = (firstError as Error).message
      expect(message).to.match(
        /^Forbidden\n\tCaused by:\n\t\tx-aoss-response-hint: X01:gw-helper-deny/,
      )
      const body = (firstError as { body: { error: Record<string, unknown> } }).body
      expect(body.error).to.include({ reason: '403 Forbidden', type: 'Forbidden' })
      console.log(
        `      (${variant.name}: ${requests} requests refused -> ${suite.emu.verdicts.length} attempts, ${p.keys.length - 1} refetch(es))`,
      )
    })
  })
}
