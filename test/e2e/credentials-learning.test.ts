import { expect } from 'chai'
import { Readable } from 'node:stream'
import * as es9 from '@elastic/elasticsearch'
import { CLIENT_VARIANTS } from '../support/client-variants'
import { emulatorPerSuite } from '../support/emulator-suite'
import { rotatingProvider, statusOf } from '../support/rotating-provider'
import type { SignedOptions } from '../support/client-variants'

/**
 * A rejection is learned from even when it is not retried: with `retryOnAwsRejection: false`,
 * for a stream sent unsigned (which cannot be replayed) and for a response read as a stream.
 * Rejected credentials are dropped, so the next request signs with fresh ones; a skewed clock
 * is corrected, so the next request is dated right. Only the retry itself is optional.
 */

const REGION = 'eu-west-1'
const MINUTE = 60_000

for (const variant of CLIENT_VARIANTS) {
  const tag = `${variant.major}${variant.name.includes('Http') ? 'H' : 'U'}`

  describe(`e2e learning from a rejection that is not retried: ${variant.name}`, function () {
    this.timeout(30_000)
    const suite = emulatorPerSuite({ credentials: [], region: REGION, service: 'es' })
    const make = (opts: SignedOptions): es9.Client =>
      suite.track(variant.make(suite.emu.url, { region: REGION, ...opts })) as es9.Client

    it('retryOnAwsRejection off, key revoked: one 403, and the next request signs with a fresh key', async () => {
      const p = rotatingProvider(suite.emu, `NORETRY${tag}`)
      const client = make({ credentials: p.provider, retryOnAwsRejection: false })
      await client.info()
      suite.emu.revoke(p.keys[0])
      suite.emu.clearVerdicts()
      expect(statusOf(await client.info().catch((e: unknown) => e))).to.equal(403)
      await client.info()
      expect(suite.emu.verdicts.map((v) => [v.status, v.accessKeyId])).to.deep.equal([
        [403, p.keys[0]],
        [200, p.keys[1]],
      ])
    })

    it('retryOnAwsRejection off, clock 15 minutes off: one 403, and the next request is dated right', async () => {
      const p = rotatingProvider(suite.emu, `NORETRYSKEW${tag}`)
      const client = make({ credentials: p.provider, retryOnAwsRejection: false })
      suite.emu.setClockSkew(15 * MINUTE)
      expect(statusOf(await client.info().catch((e: unknown) => e))).to.equal(403)
      await Promise.all(Array.from({ length: 20 }, () => client.info()))
      expect(suite.emu.verdicts.filter((v) => !v.ok).map((v) => v.reason)).to.deep.equal([
        'expired',
      ])
      expect(suite.emu.verdicts).to.have.length(21)
    })

    it('a stream body sent unsigned: not replayed, but the revoked key is dropped', async () => {
      const p = rotatingProvider(suite.emu, `STREAM${tag}`)
      const client = make({ credentials: p.provider, unsignedPayload: 'streams' })
      await client.info()
      suite.emu.revoke(p.keys[0])
      suite.emu.clearVerdicts()
      const bulk = await client.transport
        .request({
          method: 'POST',
          path: '/_bulk',
          bulkBody: Readable.from(['{"index":{"_index":"s","_id":"1"}}\n', '{"a":1}\n']),
        })
        .catch((e: unknown) => e)
      expect(statusOf(bulk)).to.equal(403)
      await client.index({ index: 's', id: '2', document: { a: 2 } })
      expect(suite.emu.verdicts.map((v) => [v.status, v.accessKeyId])).to.deep.equal([
        [403, p.keys[0]],
        [201, p.keys[1]],
      ])
    })

    it('a response read as a stream: a skewed 403 still teaches the clock', async () => {
      const p = rotatingProvider(suite.emu, `ASSTREAM${tag}`)
      const client = make({ credentials: p.provider })
      suite.emu.setClockSkew(-15 * MINUTE)
      const streamed = (await client.transport.request(
        { method: 'GET', path: '/' },
        { asStream: true, meta: true },
      )) as { statusCode: number; body: Readable }
      expect(streamed.statusCode).to.equal(403)
      streamed.body.resume()
      await client.info()
      expect(suite.emu.verdicts.map((v) => [v.status, v.reason])).to.deep.equal([
        [403, 'not-yet-current'],
        [200, 'ok'],
      ])
      // The body could not be read, so the credentials were kept.
      expect(p.keys).to.have.length(1)
    })
  })
}
