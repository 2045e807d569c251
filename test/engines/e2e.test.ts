import { expect } from 'chai'
import { AwsSigV4UnsupportedEngineError } from '../../lib'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { selectedEngines, realEngine, realEnginesMissing } from '../support/engines'
import type { RealEngine, RealEngineSpec } from '../support/engines'
import { describeWithTools } from '../support/tool-requirements'
import { TRICKY_IDS } from '../support/tricky-ids'
import { LINEAGES } from './lineages'
import type { Answer, Lineage, LineageClient } from './lineages'

/**
 * Every client lineage against every real engine (test/engines/), through the verifying
 * emulator in upstream mode: each request's signature is checked as AWS checks it before the
 * engine sees it, and the client gets the engine's own answer.
 */

const CREDS = {
  accessKeyId: 'AKIDREALENGINES',
  secretAccessKey: 'real/engines+secret=key',
  sessionToken: 'FwoGZXIvYXdzEREAL//engines+/=',
}
const REGION = 'eu-west-1'
const IDS = [...TRICKY_IDS, '..']
const DOCS = 500
const MAPPINGS = {
  properties: {
    msg: { type: 'text' },
    tag: { type: 'keyword' },
    n: { type: 'integer' },
  },
}

type Hit = { _id: string; _source: Record<string, unknown> }
type SearchBody = {
  hits: { hits: Hit[]; total: { value: number } | number }
  aggregations?: Record<
    string,
    { buckets?: Array<{ key: string; doc_count: number }>; value?: number }
  >
  _scroll_id?: string
}
type ErrorBody = { error: { type: string; reason: string }; status: number }

/** The error a call fails with (the test fails if it succeeds). */
async function failure(
  call: PromiseLike<unknown>,
): Promise<Error & { meta?: { statusCode?: number; body?: unknown } }> {
  try {
    await call
  } catch (err) {
    return err as Error & { meta?: { statusCode?: number; body?: unknown } }
  }
  throw new Error('expected the call to fail')
}

const total = (body: SearchBody): number =>
  typeof body.hits.total === 'number' ? body.hits.total : body.hits.total.value

/** The version `GET /` reports: 7.10.2 in compatibility mode, else the engine's own. */
function reportedVersion(engine: RealEngine): string {
  return engine.spec.compat ? '7.10.2' : engine.version
}

/** Whether the client can work with the engine at all (7.14+ needs a 7.x `GET /`). */
function works(lineage: Lineage, spec: RealEngineSpec): boolean {
  return !lineage.productCheck || spec.product === 'elasticsearch' || spec.compat
}

function cells(): Array<[Lineage, RealEngineSpec, number]> {
  let n = 0
  return selectedEngines().flatMap((spec) =>
    LINEAGES.map((l): [Lineage, RealEngineSpec, number] => [l, spec, n++]),
  )
}

describeWithTools(
  'real engines: every client lineage through the verifying emulator',
  realEnginesMissing(),
  () => {
    for (const [lineage, spec, n] of cells()) {
      describe(`real ${spec.title} x ${lineage.name}`, function () {
        this.timeout(300_000)
        let engine: RealEngine
        let emu: Emulator
        let client: LineageClient
        // Indices are the cell's own: every cell shares the engine.
        const ix = (name: string): string => `c${n}-${name}`

        before(async () => {
          engine = await realEngine(spec.id)
          emu = await startEmulator({
            credentials: CREDS,
            region: REGION,
            service: 'es',
            upstream: engine.url,
          })
          client = lineage.make(emu.url, { region: REGION, credentials: CREDS })
        })
        after(async () => {
          await client?.close()
          await emu?.close()
        })
        afterEach(function () {
          if (emu === undefined) return
          const refused = emu.verdicts.filter((v) => !v.ok)
          expect(refused, JSON.stringify(refused, null, 2)).to.have.length(0)
          if (this.currentTest?.state === 'passed') expect(emu.verdicts.length).to.be.greaterThan(0)
          emu.clearVerdicts()
        })

        if (!works(lineage, spec)) {
          it('AwsSigV4UnsupportedEngineError for every request; info() shows the real version', async () => {
            const first = await failure(client.call('indices.create', { index: ix('x') }))
            expect(first).to.be.instanceOf(AwsSigV4UnsupportedEngineError)
            expect((first as AwsSigV4UnsupportedEngineError).engine).to.equal(
              `OpenSearch ${engine.version}`,
            )
            expect(first.message).to.include('override_main_response_version')
            const again = await failure(client.call('search', { index: ix('x') }))
            expect(again).to.be.instanceOf(AwsSigV4UnsupportedEngineError)
            // Only the product check's GET / reached the engine, and nothing was created.
            expect(emu.verdicts.map((v) => `${v.method} ${v.path}`)).to.deep.equal(['GET /'])
            const info = await client.call<{ version: { number: string } }>('info', {})
            expect(info.body.version.number).to.equal(engine.version)
          })
          return
        }

        it("info(): the engine's real version", async () => {
          const info = await client.call<{ version: Record<string, unknown>; tagline: string }>(
            'info',
            {},
          )
          expect(info.statusCode).to.equal(200)
          expect(info.body.version.number).to.equal(reportedVersion(engine))
          if (spec.product === 'opensearch' && !spec.compat) {
            expect(info.body.version.distribution).to.equal('opensearch')
          }
          expect(info.body.tagline).to.equal(
            spec.product === 'opensearch'
              ? 'The OpenSearch Project: https://opensearch.org/'
              : 'You Know, for Search',
          )
        })

        it('index create with mappings; HEAD exists', async () => {
          const created = await client.call<{ acknowledged: boolean }>(
            'indices.create',
            { index: ix('events') },
            { mappings: MAPPINGS },
          )
          expect(created.body.acknowledged).to.equal(true)
          await client.call('indices.create', { index: ix('bulk') }, { mappings: MAPPINGS })
          const mapping = await client.call<
            Record<string, { mappings: { properties: Record<string, { type: string }> } }>
          >('indices.getMapping', { index: ix('events') })
          expect(mapping.body[ix('events')].mappings.properties.n.type).to.equal('integer')
          expect(
            (await client.call('indices.exists', { index: ix('events') })).statusCode,
          ).to.equal(200)
          const missing = await client
            .call('indices.exists', { index: ix('nope') })
            .catch((e: { meta: Answer }) => e.meta)
          expect(missing.statusCode).to.equal(404)
        })

        it('tricky ids indexed and read back', async () => {
          for (const [i, id] of IDS.entries()) {
            await client.call(
              'index',
              { index: ix('events'), id },
              { msg: `hello ${id}`, tag: id, n: i },
            )
            const doc = await client.call<Hit>('get', { index: ix('events'), id })
            expect(doc.body._id).to.equal(id)
            expect(doc.body._source.tag).to.equal(id)
          }
          await client.call('indices.refresh', { index: ix('events') })
        })

        it("helpers.bulk, counted by the engine's own _count", async () => {
          const docs = Array.from({ length: DOCS }, (_, i) => ({
            n: i,
            tag: `t${i % 5}`,
            msg: `doc ${i}`,
          }))
          const result = await client.bulkHelper(
            ix('bulk'),
            docs,
            (doc) => `h-${doc.n as number}-${IDS[(doc.n as number) % IDS.length]}`,
          )
          expect([result.failed, result.successful]).to.deep.equal([0, DOCS])
          const count = await client.call<{ count: number }>('count', { index: ix('bulk') })
          expect(count.body.count).to.equal(DOCS)
        })

        it('searches with reserved q characters; a query body with aggregations', async () => {
          const q = await client.call<SearchBody>('search', {
            index: ix('events'),
            q: 'tag:"a/b c" OR tag:"plus+sign" OR tag:"eq=ual" OR tag:"ques?tion" OR tag:"hash#tag" OR tag:"per%cent" OR tag:"日本" OR tag:"🎉 emoji" OR tag:"!*\'()"',
            size: 20,
          })
          expect(q.body.hits.hits.map((h) => h._id).sort()).to.deep.equal(
            [
              'a/b c',
              'plus+sign',
              'eq=ual',
              'ques?tion',
              'hash#tag',
              'per%cent',
              '日本',
              '🎉 emoji',
              "!*'()",
            ].sort(),
          )
          const wild = await client.call<SearchBody>('search', {
            index: `${ix('ev')}*`,
            q: 'msg:hel* AND NOT tag:é',
          })
          expect(total(wild.body)).to.equal(IDS.length - 1)
          const aggs = await client.call<SearchBody>(
            'search',
            { index: ix('bulk') },
            {
              size: 0,
              query: { range: { n: { gte: 100 } } },
              aggs: { tags: { terms: { field: 'tag', size: 10 } }, mean: { avg: { field: 'n' } } },
            },
          )
          expect(total(aggs.body)).to.equal(DOCS - 100)
          const buckets = aggs.body.aggregations?.tags.buckets ?? []
          expect(buckets.map((b) => b.doc_count)).to.deep.equal([80, 80, 80, 80, 80])
          expect(aggs.body.aggregations?.mean.value).to.equal((100 + DOCS - 1) / 2)
        })

        it('scroll and clearScroll; helpers.scrollSearch', async () => {
          let page = await client.call<SearchBody>(
            'search',
            { index: ix('bulk'), scroll: '1m', size: 120 },
            {
              query: { match_all: {} },
            },
          )
          let seen = page.body.hits.hits.length
          for (let i = 0; i < 10 && page.body.hits.hits.length > 0; i++) {
            page = await client.call<SearchBody>(
              'scroll',
              {},
              { scroll_id: page.body._scroll_id, scroll: '1m' },
            )
            seen += page.body.hits.hits.length
          }
          expect(seen).to.equal(DOCS)
          const cleared = await client.call<{ succeeded: boolean; num_freed: number }>(
            'clearScroll',
            {},
            {
              scroll_id: page.body._scroll_id,
            },
          )
          expect(cleared.body.succeeded).to.equal(true)
          expect(cleared.body.num_freed).to.be.greaterThan(0)
          expect(await client.scrollSearchDocuments(ix('bulk'), 150)).to.equal(DOCS)
        })

        it('mget and msearch', async () => {
          const mget = await client.call<{ docs: Array<{ _id: string; found: boolean }> }>(
            'mget',
            { index: ix('events') },
            { ids: IDS },
          )
          expect(mget.body.docs.map((d) => [d._id, d.found])).to.deep.equal(
            IDS.map((id) => [id, true]),
          )
          const msearch = await client.call<{ responses: SearchBody[] }>('msearch', {}, [
            { index: ix('events') },
            { query: { term: { tag: 'a/b c' } } },
            { index: ix('bulk') },
            { size: 0, query: { term: { tag: 't1' } } },
          ])
          expect(msearch.body.responses.map(total)).to.deep.equal([1, DOCS / 5])
        })

        it('a painless update, update_by_query, delete_by_query', async () => {
          await client.call(
            'update',
            { index: ix('events'), id: 'a/b c' },
            {
              script: { lang: 'painless', source: 'ctx._source.n += params.k', params: { k: 100 } },
            },
          )
          const updated = await client.call<Hit>('get', { index: ix('events'), id: 'a/b c' })
          expect(updated.body._source.n).to.equal(100)
          const byQuery = await client.call<{ updated: number }>(
            'updateByQuery',
            { index: ix('bulk'), refresh: true },
            {
              query: { term: { tag: 't2' } },
              script: { lang: 'painless', source: "ctx._source.tag = 't2-seen'" },
            },
          )
          expect(byQuery.body.updated).to.equal(DOCS / 5)
          const deleted = await client.call<{ deleted: number }>(
            'deleteByQuery',
            { index: ix('bulk'), refresh: true },
            {
              query: { term: { tag: 't2-seen' } },
            },
          )
          expect(deleted.body.deleted).to.equal(DOCS / 5)
          expect(
            (await client.call<{ count: number }>('count', { index: ix('bulk') })).body.count,
          ).to.equal(DOCS - DOCS / 5)
        })

        it('a 409 version conflict and a 400 mapping error reach the client intact', async () => {
          const conflict = await failure(
            client.call('create', { index: ix('events'), id: 'é' }, { msg: 'again' }),
          )
          expect(conflict.meta?.statusCode).to.equal(409)
          const body409 = conflict.meta?.body as ErrorBody
          expect([body409.status, body409.error.type]).to.deep.equal([
            409,
            'version_conflict_engine_exception',
          ])
          expect(body409.error.reason).to.include('document already exists')
          const mapping = await failure(
            client.call('index', { index: ix('events'), id: 'bad' }, { n: 'not a number' }),
          )
          expect(mapping.meta?.statusCode).to.equal(400)
          const body400 = mapping.meta?.body as ErrorBody
          expect([body400.status, body400.error.type]).to.deep.equal([
            400,
            'mapper_parsing_exception',
          ])
          expect(body400.error.reason).to.include('[n]')
        })

        it('a 404: a missing document and a missing index', async () => {
          const doc = await failure(client.call('get', { index: ix('events'), id: 'missing' }))
          expect(doc.meta?.statusCode).to.equal(404)
          expect((doc.meta?.body as { found: boolean }).found).to.equal(false)
          const index = await failure(client.call('search', { index: ix('no-such-index') }))
          expect(index.meta?.statusCode).to.equal(404)
          expect((index.meta?.body as ErrorBody).error.type).to.equal('index_not_found_exception')
        })

        it('a 10 MB bulk', async () => {
          const big = 'x'.repeat(10_000)
          const lines = Array.from({ length: 1_000 }, (_, i) => [
            { index: { _index: ix('big'), _id: `big ${i}` } },
            { i, big },
          ]).flat()
          const answer = await client.call<{ errors: boolean; items: unknown[] }>(
            'bulk',
            { refresh: true },
            lines,
          )
          expect([answer.body.errors, answer.body.items.length]).to.deep.equal([false, 1_000])
          expect(
            (await client.call<{ count: number }>('count', { index: ix('big') })).body.count,
          ).to.equal(1_000)
        })

        it('client compression on: gzip request bodies signed, gzip answers read', async () => {
          const seen: Array<Record<string, string>> = []
          const unhook = emu.onRequest(({ headers }) => {
            seen.push({ ...headers })
          })
          const gz = lineage.make(emu.url, { region: REGION, credentials: CREDS }, true)
          try {
            await gz.call(
              'index',
              { index: ix('gz'), id: 'z 1', refresh: true },
              { big: 'y'.repeat(5_000) },
            )
            const got = await gz.call<Hit>('get', { index: ix('gz'), id: 'z 1' })
            expect(got.body._source.big).to.have.length(5_000)
          } finally {
            unhook()
            await gz.close()
          }
          expect(seen.some((h) => h['content-encoding'] === 'gzip')).to.equal(true)
          expect(seen.every((h) => (h['accept-encoding'] ?? '').includes('gzip'))).to.equal(true)
        })
      })
    }
  },
)
