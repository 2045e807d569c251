import { expect } from 'chai'
import { randomBytes } from 'node:crypto'
import * as es9 from '@elastic/elasticsearch'
import type { Emulator } from '../../lib/testing'
import { OFFLOAD_MIN_BYTES, sha256Worker } from '../../lib/sigv4/sha256-worker'
import { CALLBACK_VARIANTS, CLIENT_VARIANTS } from '../support/client-variants'
import type { CallbackClient } from '../support/client-variants'
import { emulatorPerSuite } from '../support/emulator-suite'

/**
 * Bodies on both sides of the size from which the payload is hashed off the main thread (and a
 * string body is encoded once, those bytes sent), through every client lineage, against the
 * endpoint that rebuilds each signature from what arrived: every request verifies, the
 * documents arrive as sent, and what the client shows of its request (`meta`, diagnostics)
 * still has the body it built, not the bytes sent in its place.
 */

const CREDS = {
  accessKeyId: 'AKIDLARGEPAYLOADS',
  secretAccessKey: 'large/payloads+secret=key',
  sessionToken: 'FwoGZXIvYXdzELARGE//token+/=',
}
const REGION = 'eu-west-1'
const T = OFFLOAD_MIN_BYTES

/**
 * A document whose JSON (as the client serialises it) is a string of `length` UTF-16 units, the
 * measure the threshold counts; an `é` and a `€` in it make its UTF-8 longer (by 3 bytes).
 */
function documentOfJsonLength(length: number): { text: string } {
  const text = 'é€' + 'x'.repeat(length - JSON.stringify({ text: 'é€' }).length)
  expect(JSON.stringify({ text }).length).to.equal(length)
  return { text }
}

/** Text gzip cannot shrink much: the compressed body stays above the threshold too. */
const noisy = (bytes: number): string => randomBytes(Math.ceil(bytes * 0.8)).toString('base64')

/** Documents for helpers.bulk: 6000 of about 930 bytes, bodies of 2 MB. */
const bulkDocs = (): { n: number; text: string }[] =>
  Array.from({ length: 6000 }, (_, n) => ({ n, text: `é ${'x'.repeat(900)}` }))

function expectAllVerified(emu: Emulator, atLeast: number): void {
  const failed = emu.verdicts.filter((v) => !v.ok)
  expect(failed, JSON.stringify(failed.slice(0, 3), null, 2)).to.have.length(0)
  expect(emu.verdicts.length).to.be.at.least(atLeast)
}

/** Just below, at and just above the threshold, as JSON string lengths. */
const AROUND = [
  ['below', T - 1],
  ['at', T],
  ['above', T + 1],
] as const

for (const variant of CLIENT_VARIANTS) {
  describe(`e2e ${variant.name}: large payloads, hashed off the main thread`, function () {
    this.timeout(60_000)
    const suite = emulatorPerSuite({ credentials: CREDS, region: REGION, service: 'es' })
    const make = (extra: object = {}): es9.Client =>
      suite.track(
        variant.make(suite.emu.url, { region: REGION, credentials: CREDS }, extra),
      ) as es9.Client

    before(async () => {
      expect(await sha256Worker.ready()).to.equal(true)
    })

    it('documents just below, at and above the threshold verify and arrive as sent; meta and diagnostics keep the string', async () => {
      const client = make()
      const shown: unknown[] = []
      client.diagnostic.on('request', (_err, event) => shown.push(event?.meta.request.params.body))
      const before = sha256Worker.counts.transferred
      for (const [id, length] of AROUND) {
        const document = documentOfJsonLength(length)
        const response = await client.index(
          { index: 'large', id, document, refresh: true },
          { meta: true },
        )
        // The client's record of its request: the JSON it built, a string, as before.
        expect(response.meta.request.params.body).to.equal(JSON.stringify(document))
        expect(shown.at(-1)).to.equal(JSON.stringify(document))
        expect(suite.emu.store.getDocument('large', id)).to.deep.equal(document)
      }
      expect(sha256Worker.counts.transferred - before, 'at and above').to.equal(2)
      expectAllVerified(suite.emu, 3)
    })

    it('gzip bodies (compression: true) below and above the threshold: compressed bytes hashed (on the worker when large) and verified', async () => {
      const client = make({ compression: true })
      const before = sha256Worker.counts.copied
      for (const [id, bytes] of [
        ['gz-small', T / 2],
        ['gz-large', 2 * T],
      ] as const) {
        const document = { text: noisy(bytes) }
        await client.index({ index: 'gz', id, document, refresh: true })
        expect(suite.emu.store.getDocument('gz', id)).to.deep.equal(document)
      }
      expect(sha256Worker.counts.copied - before, 'the large gzip body').to.equal(1)
      expectAllVerified(suite.emu, 2)
    })

    it('helpers.bulk of 2 MB bodies: every document counted, every request verified', async () => {
      const before = sha256Worker.counts.transferred
      const result = await make().helpers.bulk({
        datasource: bulkDocs(),
        onDocument: (doc) => ({ index: { _index: 'bulk-large', _id: `d${doc.n}` } }),
        flushBytes: 2 << 20,
        refreshOnCompletion: true,
      })
      expect([result.failed, result.successful]).to.deep.equal([0, 6000])
      expect(suite.emu.store.documentCount('bulk-large')).to.equal(6000)
      expect(sha256Worker.counts.transferred - before).to.be.at.least(2)
      expectAllVerified(suite.emu, 3)
    })
  })
}

for (const variant of CALLBACK_VARIANTS) {
  describe(`e2e ${variant.name}: large payloads, hashed off the main thread`, function () {
    this.timeout(60_000)
    const suite = emulatorPerSuite({
      credentials: CREDS,
      region: REGION,
      service: 'es',
      engine: variant.engine,
    })
    const make = (extra: object = {}): CallbackClient =>
      suite.track(variant.make(suite.emu.url, { region: REGION, credentials: CREDS }, extra))

    before(async () => {
      expect(await sha256Worker.ready()).to.equal(true)
    })

    it('documents just below, at and above the threshold verify and arrive as sent; meta keeps the string', async () => {
      const client = make()
      const before = sha256Worker.counts.transferred
      for (const [id, length] of AROUND) {
        const body = documentOfJsonLength(length)
        const response = await client.index({ index: 'large', id, body, refresh: true })
        expect(response.meta.request.params.body).to.equal(JSON.stringify(body))
        expect(suite.emu.store.getDocument('large', id)).to.deep.equal(body)
      }
      expect(sha256Worker.counts.transferred - before, 'at and above').to.equal(2)
      expectAllVerified(suite.emu, 3)
    })

    it('gzip bodies above the threshold and helpers.bulk of 2 MB bodies verify', async () => {
      const copied = sha256Worker.counts.copied
      const document = { text: noisy(2 * T) }
      await make({ compression: 'gzip' }).index({
        index: 'gz',
        id: 'g',
        body: document,
        refresh: true,
      })
      expect(suite.emu.store.getDocument('gz', 'g')).to.deep.equal(document)
      expect(sha256Worker.counts.copied - copied, 'the gzip body').to.equal(1)
      const transferred = sha256Worker.counts.transferred
      const result = await make().helpers.bulk({
        datasource: bulkDocs(),
        onDocument: (doc: { n: number }) => ({ index: { _index: 'bulk-large', _id: `d${doc.n}` } }),
        flushBytes: 2 << 20,
        refreshOnCompletion: true,
      })
      expect([result.failed, result.successful]).to.deep.equal([0, 6000])
      expect(suite.emu.store.documentCount('bulk-large')).to.equal(6000)
      expect(sha256Worker.counts.transferred - transferred).to.be.at.least(2)
      expectAllVerified(suite.emu, 4)
    })
  })
}
