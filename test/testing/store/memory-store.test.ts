// The in-memory cluster behind the check: response shapes over signed HTTP, and the official
// client (with a throwaway signing Connection defined here) parsing them.
import { expect } from 'chai'
import {
  Client,
  HttpConnection,
  type ConnectionRequestOptions,
  type ConnectionRequestParams,
} from '@elastic/elasticsearch'
import { startEmulator, type Emulator } from '../../../lib/testing'
import { call, sign, type TestKey } from '../sign'

const KEY: TestKey = { accessKeyId: 'AKIDSTORE', secretAccessKey: 'store-secret' }

describe('emulator store: Elasticsearch-shaped responses over signed HTTP', () => {
  let emu: Emulator
  before(async () => {
    emu = await startEmulator({ credentials: KEY })
  })
  after(() => emu.close())

  const json = { 'content-type': 'application/json' }
  const req = async (method: string, path: string, body?: unknown, query?: string) => {
    const text =
      body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    const res = await call(emu.url, KEY, {
      method,
      path,
      query,
      headers: text === undefined ? {} : json,
      body: text,
    })
    return { status: res.status, body: res.text === '' ? undefined : (res.json() as never) }
  }

  it('creates, refuses to re-create, checks and deletes an index', async () => {
    expect(await req('PUT', '/idx')).to.deep.equal({
      status: 200,
      body: { acknowledged: true, shards_acknowledged: true, index: 'idx' },
    })
    const again = await req('PUT', '/idx')
    expect(again.status).to.equal(400)
    expect(again.body).to.have.nested.property('error.type', 'resource_already_exists_exception')
    expect((await req('HEAD', '/idx')).status).to.equal(200)
    expect((await req('DELETE', '/idx')).body).to.deep.equal({ acknowledged: true })
    expect((await req('HEAD', '/idx')).status).to.equal(404)
    const missing = await req('DELETE', '/idx')
    expect(missing.status).to.equal(404)
    expect(missing.body).to.have.nested.property('error.type', 'index_not_found_exception')
  })

  it('indexes, gets, updates and deletes documents with ES shapes', async () => {
    const created = await req('PUT', '/docs/_doc/1', { title: 'first', tags: ['a'] })
    expect(created.status).to.equal(201)
    expect(created.body).to.include({ _index: 'docs', _id: '1', _version: 1, result: 'created' })
    expect(created.body).to.have.keys(
      '_index',
      '_id',
      '_version',
      'result',
      '_shards',
      '_seq_no',
      '_primary_term',
    )
    expect((await req('PUT', '/docs/_create/1', { x: 1 })).status).to.equal(409)
    const auto = await req('POST', '/docs/_doc', { title: 'auto' })
    expect(auto.status).to.equal(201)
    expect((auto.body as unknown as { _id: string })._id).to.match(/^[\w-]{20}$/)

    const got = await req('GET', '/docs/_doc/1')
    expect(got.body).to.include({ _id: '1', found: true, _version: 1 })
    expect(got.body).to.have.deep.property('_source', { title: 'first', tags: ['a'] })
    expect(await req('GET', '/docs/_doc/nope')).to.deep.equal({
      status: 404,
      body: { _index: 'docs', _id: 'nope', found: false },
    })

    const updated = await req('POST', '/docs/_update/1', { doc: { title: 'changed' } })
    expect(updated.body).to.include({ result: 'updated', _version: 2 })
    expect(emu.store.getDocument('docs', '1')).to.deep.equal({ title: 'changed', tags: ['a'] })
    expect((await req('POST', '/docs/_update/1', { doc: { title: 'changed' } })).body).to.include({
      result: 'noop',
    })
    expect((await req('POST', '/docs/_update/9', { doc: { a: 1 } })).status).to.equal(404)
    const upsert = await req('POST', '/docs/_update/9', { doc: { a: 1 }, doc_as_upsert: true })
    expect(upsert.status).to.equal(201)

    expect((await req('DELETE', '/docs/_doc/9')).body).to.include({ result: 'deleted' })
    expect((await req('DELETE', '/docs/_doc/9')).status).to.equal(404)
  })

  it('runs bulk with per-item results and the errors flag', async () => {
    const ndjson =
      [
        { index: { _index: 'bulk', _id: '1' } },
        { n: 1, kind: 'odd' },
        { create: { _index: 'bulk', _id: '2' } },
        { n: 2, kind: 'even' },
        { create: { _index: 'bulk', _id: '1' } },
        { n: 99 },
        { update: { _index: 'bulk', _id: '2' } },
        { doc: { n: 22 } },
        { delete: { _index: 'bulk', _id: 'missing' } },
        { index: { _id: '3' } },
        { n: 3, kind: 'odd' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n'
    const res = await call(emu.url, KEY, {
      method: 'POST',
      path: '/bulk/_bulk',
      headers: { 'content-type': 'application/x-ndjson' },
      body: ndjson,
    })
    const body = res.json() as { errors: boolean; items: Array<Record<string, { status: number }>> }
    expect(body.errors).to.equal(true)
    expect(body.items.map((i) => Object.keys(i)[0])).to.deep.equal([
      'index',
      'create',
      'create',
      'update',
      'delete',
      'index',
    ])
    expect(body.items.map((i) => Object.values(i)[0].status)).to.deep.equal([
      201, 201, 409, 200, 404, 201,
    ])
    expect(body.items[2].create).to.have.nested.property(
      'error.type',
      'version_conflict_engine_exception',
    )
    expect(emu.store.documentCount('bulk')).to.equal(3)
  })

  it('searches with q=, query DSL, index patterns, size/from and counts', async () => {
    await req('PUT', '/logs-1/_doc/a', { msg: 'hello world', level: 'info', n: 1 })
    await req('PUT', '/logs-2/_doc/b', { msg: 'goodbye world', level: 'warn', n: 2 })
    await req('PUT', '/logs-2/_doc/c', { msg: 'hello again', level: 'info', n: 3 })

    const all = await req('GET', '/logs-*/_search')
    expect(all.body).to.have.deep.nested.property('hits.total', { value: 3, relation: 'eq' })
    expect(all.body).to.have.keys('took', 'timed_out', '_shards', 'hits')

    const q = await req('GET', '/logs-1,logs-2/_search', undefined, 'q=level:info')
    expect(q.body).to.have.nested.property('hits.total.value', 2)

    const bare = await req('GET', '/logs-*/_search', undefined, 'q=goodbye')
    expect(bare.body).to.have.nested.property('hits.hits[0]._id', 'b')

    const dsl = await req('POST', '/logs-*/_search', {
      query: {
        bool: { must: [{ match: { msg: 'hello' } }], filter: [{ term: { level: 'info' } }] },
      },
      sort: [{ n: 'desc' }],
      size: 1,
      from: 1,
    })
    expect(dsl.body).to.have.nested.property('hits.total.value', 2)
    expect(dsl.body).to.have.nested.property('hits.hits[0]._id', 'a')

    const ids = await req('POST', '/_search', { query: { ids: { values: ['c'] } } })
    expect(ids.body).to.have.nested.property('hits.hits[0]._index', 'logs-2')

    expect((await req('GET', '/logs-*/_count')).body).to.include({ count: 3 })
    const missing = await req('GET', '/nope/_search')
    expect(missing.status).to.equal(404)
    expect((await req('POST', '/logs-*/_refresh')).status).to.equal(200)
    expect((await req('GET', '/_cluster/health')).body).to.include({ status: 'green' })
  })

  it('scrolls through results and clears the scroll', async () => {
    for (let i = 0; i < 5; i++) await req('PUT', `/scroll/_doc/${i}`, { i })
    const first = (await req('POST', '/scroll/_search', { size: 2, sort: ['_doc'] }, 'scroll=1m'))
      .body as unknown as { _scroll_id: string; hits: { hits: unknown[] } }
    expect(first._scroll_id).to.be.a('string')
    expect(first.hits.hits).to.have.length(2)
    const seen = [...first.hits.hits]
    for (;;) {
      const page = (
        await req('POST', '/_search/scroll', { scroll: '1m', scroll_id: first._scroll_id })
      ).body as unknown as { hits: { hits: unknown[]; total: { value: number } } }
      expect(page.hits.total.value).to.equal(5)
      if (page.hits.hits.length === 0) break
      seen.push(...page.hits.hits)
    }
    expect(seen).to.have.length(5)
    const cleared = await req('DELETE', '/_search/scroll', { scroll_id: first._scroll_id })
    expect(cleared.body).to.deep.equal({ succeeded: true, num_freed: 1 })
    const gone = await req('POST', '/_search/scroll', { scroll_id: first._scroll_id })
    expect(gone.status).to.equal(404)
  })

  it('lists indices with _cat/indices: text lines, a header line with v, objects with format=json', async () => {
    await req('PUT', '/cat-b/_doc/1', { n: 1 })
    await req('PUT', '/cat-a/_doc/1', { n: 1 })
    await req('PUT', '/cat-a/_doc/2', { n: 2 })
    const text = await call(emu.url, KEY, { method: 'GET', path: '/_cat/indices/cat-*' })
    expect(text.status).to.equal(200)
    expect(text.headers['content-type']).to.match(/^text\/plain/)
    const lines = text.text.split('\n').filter((line) => line !== '')
    expect(lines.map((line) => line.split(/ +/).slice(0, 3))).to.deep.equal([
      ['green', 'open', 'cat-a'],
      ['green', 'open', 'cat-b'],
    ])
    expect(lines[0].split(/ +/)[6]).to.equal('2')
    const verbose = await call(emu.url, KEY, {
      method: 'GET',
      path: '/_cat/indices/cat-a',
      query: 'v',
    })
    expect(verbose.text.split('\n')[0].split(/ +/)).to.deep.equal([
      'health',
      'status',
      'index',
      'uuid',
      'pri',
      'rep',
      'docs.count',
      'docs.deleted',
      'store.size',
      'pri.store.size',
    ])
    const json = await req('GET', '/_cat/indices/cat-a', undefined, 'format=json')
    expect(json.status).to.equal(200)
    expect(json.body).to.have.length(1)
    expect((json.body as unknown as Array<Record<string, string>>)[0]).to.include({
      index: 'cat-a',
      health: 'green',
      'docs.count': '2',
    })
    expect((await req('POST', '/_cat/indices')).status).to.equal(405)
  })

  it('answers unknown routes and wrong methods like Elasticsearch', async () => {
    const unknown = await req('GET', '/_nope')
    expect(unknown.status).to.equal(400)
    const wrong = await req('GET', '/_bulk')
    expect(wrong.status).to.equal(405)
  })
})

describe('emulator store: the official client parses its responses', () => {
  let emu: Emulator
  before(async () => {
    emu = await startEmulator({ credentials: KEY, mode: 'elastic' })
  })
  after(() => emu.close())

  /** A throwaway Connection that signs with the test signer (not the package's). */
  function signingConnection(key: TestKey): typeof HttpConnection {
    return class extends HttpConnection {
      constructor(opts: ConstructorParameters<typeof HttpConnection>[0]) {
        super(opts)
        const inner = this.request.bind(this)
        const host = this.url.host
        this.request = ((params: ConnectionRequestParams, options: ConnectionRequestOptions) => {
          const body = params.body ?? ''
          if (typeof body !== 'string' && !Buffer.isBuffer(body)) throw new Error('stream body')
          const signed = sign({
            method: params.method,
            path: params.path,
            query: params.querystring,
            body,
            key,
            region: 'us-east-1',
            service: 'es',
            host,
            contentSha: true,
          })
          params.headers = { ...params.headers, ...signed }
          return inner(params, options)
        }) as HttpConnection['request']
      }
    }
  }

  it('indexes, gets, bulk-loads, searches, scrolls and counts through Client', async () => {
    const client = new Client({ node: emu.url, Connection: signingConnection(KEY) })
    try {
      const info = await client.info()
      expect(info.version.number).to.match(/^8\./)
      await client.indices.create({ index: 'books' })
      expect(await client.indices.exists({ index: 'books' })).to.equal(true)
      const id = 'a/b c+d%?#ü'
      await client.index({ index: 'books', id, document: { title: 'Dune' }, refresh: true })
      const got = await client.get<{ title: string }>({ index: 'books', id })
      expect(got._id).to.equal(id)
      expect(got._source).to.deep.equal({ title: 'Dune' })
      expect(await client.exists({ index: 'books', id: 'nope' })).to.equal(false)

      const bulk = await client.bulk({
        operations: [
          { index: { _index: 'books', _id: '2' } },
          { title: 'Emma' },
          { create: { _index: 'books', _id: '2' } },
          { title: 'dup' },
        ],
      })
      expect(bulk.errors).to.equal(true)
      await client.update({ index: 'books', id: '2', doc: { year: 1815 } })

      const found = await client.search<{ title: string }>({
        index: 'boo*',
        query: { match: { title: 'emma' } },
      })
      expect(found.hits.hits.map((h) => h._id)).to.deep.equal(['2'])

      const scrolled: string[] = []
      for await (const hit of client.helpers.scrollDocuments<{ title: string }>({
        index: 'books',
        size: 1,
        query: { match_all: {} },
      })) {
        scrolled.push(hit.title)
      }
      expect(scrolled.sort()).to.deep.equal(['Dune', 'Emma'])
      expect((await client.count({ index: 'books' })).count).to.equal(2)
      await client.delete({ index: 'books', id: '2' })
      expect(emu.store.documentCount('books')).to.equal(1)
      expect(emu.verdicts.every((v) => v.ok)).to.equal(true)
    } finally {
      await client.close()
    }
  })
})
