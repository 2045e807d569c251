import { expect } from 'chai'
import { Readable } from 'node:stream'
import * as es9 from '@elastic/elasticsearch'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { CLIENT_VARIANTS } from '../support/client-variants'
import type { AnyClient } from '../support/client-variants'
import { TRICKY_IDS } from '../support/tricky-ids'

/**
 * The real client — 9.x and 8.x, on UndiciConnection and HttpConnection — against the local
 * endpoint that rebuilds every signature from what arrived on the wire, in "Amazon domain"
 * mode (no x-elastic-product, 406 for Elastic's vendor media types).
 */

const CREDS = {
  accessKeyId: 'AKIDMATRIXEXAMPLE',
  secretAccessKey: 'matrix/secret+key=with/odd+chars',
  sessionToken: 'FwoGZXIvYXdzEMATRIX//token+/=',
}
const REGION = 'eu-west-1'

const IDS = TRICKY_IDS

const variants = CLIENT_VARIANTS

/** The error a constructor throws, or undefined. */
function constructionError(make: () => { close(): Promise<void> }): Error | undefined {
  try {
    void make().close()
    return undefined
  } catch (err) {
    return err as Error
  }
}

function expectAllVerified(emu: Emulator): void {
  const failed = emu.verdicts.filter((v) => !v.ok)
  expect(failed, JSON.stringify(failed, null, 2)).to.have.length(0)
  expect(emu.verdicts.length).to.be.greaterThan(0)
}

for (const variant of variants) {
  describe(`e2e ${variant.name} against the verifying endpoint (Amazon domain)`, function () {
    this.timeout(60_000)
    let emu: Emulator
    let client: AnyClient
    // The 8.x and 9.x clients share one API shape for everything used here.
    const c = (): es9.Client => client as es9.Client

    before(async () => {
      emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es' })
      client = variant.make(emu.url, { region: REGION, credentials: CREDS })
    })
    after(async () => {
      await client.close()
      await emu.close()
    })
    afterEach(() => {
      expectAllVerified(emu)
      emu.clearVerdicts()
    })

    it('info, indices.create / exists', async () => {
      const info = await c().info()
      expect(info.version.number).to.be.a('string')
      await c().indices.create({ index: 'events' })
      expect(await c().indices.exists({ index: 'events' })).to.equal(true)
      expect(await c().indices.exists({ index: 'nope' })).to.equal(false)
    })

    it('index / get / update / delete ids with reserved and unicode characters', async () => {
      for (const id of IDS) {
        await c().index({ index: 'events', id, document: { msg: `hello ${id}` } })
        const doc = await c().get<{ msg: string }>({ index: 'events', id })
        expect(doc._id).to.equal(id)
        expect(doc._source?.msg).to.equal(`hello ${id}`)
      }
      await c().update({ index: 'events', id: 'a/b c', doc: { extra: 1 } })
      const updated = await c().get<{ extra: number }>({ index: 'events', id: 'a/b c' })
      expect(updated._source?.extra).to.equal(1)
      await c().delete({ index: 'events', id: 'plus+sign' })
      expect(await c().exists({ index: 'events', id: 'plus+sign' })).to.equal(false)
    })

    it('search with q= full of reserved characters, with a body, patterns and lists', async () => {
      await c().indices.refresh({ index: 'events' })
      const q = await c().search({ index: 'events', q: 'msg:"hello a/b c"' })
      expect(q.hits.hits.map((h) => h._id)).to.include('a/b c')
      await c().search({ index: 'events-*', q: `msg:(hel* OR "x + & = : ( ) !") !y 'z' +hello` })
      await c().search({ index: 'events,other*', query: { match: { msg: 'hello' } } })
      const all = await c().search({ index: 'ev*', query: { match_all: {} }, size: 100 })
      expect(all.hits.hits.length).to.equal(IDS.length - 1)
      const count = await c().count({ index: 'events' })
      expect(count.count).to.equal(IDS.length - 1)
    })

    it('bulk and helpers.bulk', async () => {
      const bulk = await c().bulk({
        refresh: true,
        operations: [
          { index: { _index: 'bulk', _id: 'x/1' } },
          { n: 1 },
          { create: { _index: 'bulk', _id: 'é 2' } },
          { n: 2 },
        ],
      })
      expect(bulk.errors).to.equal(false)
      const result = await c().helpers.bulk({
        datasource: Array.from({ length: 500 }, (_, i) => ({
          n: i,
          text: `doc ${i} ${IDS[i % IDS.length]}`,
        })),
        onDocument: (doc) => ({
          index: { _index: 'bulk', _id: `h-${doc.n}-${IDS[doc.n % IDS.length]}` },
        }),
        flushBytes: 10_000,
        refreshOnCompletion: true,
      })
      expect(result.failed).to.equal(0)
      expect(result.successful).to.equal(500)
      expect(emu.store.documentCount('bulk')).to.equal(502)
    })

    it('helpers.search, scroll and clearScroll', async () => {
      const hits = await c().helpers.search({ index: 'bulk', query: { match_all: {} }, size: 1000 })
      expect(hits.length).to.equal(502)
      let page = await c().search({
        index: 'bulk',
        scroll: '1m',
        size: 200,
        query: { match_all: {} },
      })
      let seen = page.hits.hits.length
      while (page.hits.hits.length > 0 && page._scroll_id) {
        page = await c().scroll({ scroll_id: page._scroll_id, scroll: '1m' })
        seen += page.hits.hits.length
      }
      expect(seen).to.equal(502)
      await c().clearScroll({ scroll_id: page._scroll_id ?? '_all' })
    })

    it('stream bodies, empty values and repeated query keys', async () => {
      const ndjson = '{"index":{"_index":"streamed","_id":"s 1"}}\n{"a":1}\n'
      await c().transport.request({
        method: 'POST',
        path: '/_bulk',
        bulkBody: Readable.from([ndjson]),
      })
      await c().transport.request({
        method: 'GET',
        path: '/_cluster/health',
        querystring: 'level=cluster&level=indices&empty=&pretty',
      })
      expect(emu.store.documentCount('streamed')).to.equal(1)
    })

    it('gzip bodies with compression: true (the compressed bytes are signed)', async () => {
      const gz = variant.make(
        emu.url,
        { region: REGION, credentials: CREDS },
        { compression: true },
      )
      try {
        await (gz as es9.Client).index({
          index: 'gz',
          id: 'z 1',
          document: { big: 'x'.repeat(5000) },
          refresh: true,
        })
        expect(emu.store.documentCount('gz')).to.equal(1)
        const encodings = emu.verdicts.map((v) => v.method)
        expect(encodings).to.include('PUT')
      } finally {
        await gz.close()
      }
    })

    it('a node URL with a path prefix signs the prefixed path', async () => {
      const url = `${emu.url}/es/`
      // 8.13's UndiciConnection (undici 5) refuses a node URL with a path, signed or not
      // ("invalid url"); the signing connection must then refuse it the same way, and no more.
      const unsigned = constructionError(
        () => new variant.module.Client({ node: url, Connection: variant.baseConnection as never }),
      )
      if (unsigned !== undefined) {
        const signed = constructionError(() =>
          variant.make(url, { region: REGION, credentials: CREDS }),
        )
        expect(signed?.message).to.equal(unsigned.message)
        emu.clearVerdicts()
        await c().info() // for afterEach: the same client on the plain URL still verifies
        return
      }
      const prefixed = variant.make(url, { region: REGION, credentials: CREDS })
      try {
        const err = await (prefixed as es9.Client)
          .info()
          .catch((e: { meta?: { statusCode?: number } }) => e)
        // The in-memory store has no route under /es, but the signature must verify.
        expect(emu.verdicts.at(-1)?.path).to.equal('/es/')
        expect(emu.verdicts.at(-1)?.ok).to.equal(true)
        expect((err as { meta?: { statusCode?: number } })?.meta?.statusCode ?? 200).not.to.equal(
          403,
        )
      } finally {
        await prefixed.close()
      }
    })
  })
}
