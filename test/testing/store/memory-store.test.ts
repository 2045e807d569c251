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
import { MemoryStore } from '../../../lib/testing/store/memory-store'
import type { StoreResponse } from '../../../lib/testing/store/types'
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

/**
 * Where the store answered differently from a real engine (test/engines/), it now answers as
 * OpenSearch 2.19.6 did: statuses, error types and reasons as the real engine gave them.
 */
describe('emulator store: answers as the real engine gave them', () => {
  const store = new MemoryStore()
  beforeEach(() => store.reset())
  const ask = (method: string, path: string, body?: unknown, query = ''): StoreResponse =>
    store.handle({
      method,
      segments: path.split('/').filter(Boolean),
      query: new Map(new URLSearchParams(query)),
      body: Buffer.from(
        body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
      ),
    })
  const error = (r: StoreResponse): Record<string, unknown> =>
    (r.body as { error: Record<string, unknown> }).error
  const mappings = {
    properties: {
      n: { type: 'integer' },
      s: { type: 'short' },
      l: { type: 'long' },
      b: { type: 'boolean' },
      k: { type: 'keyword' },
      o: { properties: { x: { type: 'integer' } } },
      d: { type: 'date' },
    },
  }

  it('a value its field cannot take: 400 mapper_parsing_exception, nothing stored', () => {
    ask('PUT', '/m', { mappings })
    const bad = ask('PUT', '/m/_doc/bad', { n: 'not a number' })
    expect(bad.status).to.equal(400)
    expect(error(bad)).to.deep.include({
      type: 'mapper_parsing_exception',
      reason:
        "failed to parse field [n] of type [integer] in document with id 'bad'. Preview of field's value: 'not a number'",
      caused_by: { type: 'number_format_exception', reason: 'For input string: "not a number"' },
    })
    expect(error(bad).root_cause).to.deep.equal([
      { type: 'mapper_parsing_exception', reason: error(bad).reason },
    ])
    expect(store.getDocument('m', 'bad')).to.equal(undefined)
    const refused: Array<[unknown, string, string]> = [
      [{ n: true }, 'n', 'json_parse_exception'],
      [{ n: { a: 1 } }, 'n', 'json_parse_exception'],
      [{ n: [1, 'y'] }, 'n', 'number_format_exception'],
      [{ n: 3_000_000_000 }, 'n', 'input_coercion_exception'],
      [{ s: 70_000 }, 's', 'input_coercion_exception'],
      [{ l: 'x' }, 'l', 'illegal_argument_exception'],
      [{ b: 'yes' }, 'b', 'illegal_argument_exception'],
      [{ b: 1 }, 'b', 'json_parse_exception'],
      [{ k: { a: 1 } }, 'k', 'illegal_state_exception'],
      [{ o: { x: 'z' } }, 'o.x', 'number_format_exception'],
      [{ d: 'nope' }, 'd', 'illegal_argument_exception'],
    ]
    for (const [doc, field, cause] of refused) {
      const r = ask('POST', '/m/_doc', doc)
      expect([r.status, error(r).type], JSON.stringify(doc)).to.deep.equal([
        400,
        'mapper_parsing_exception',
      ])
      expect(error(r).reason).to.match(new RegExp(`^failed to parse field \\[${field}\\]`))
      expect((error(r).caused_by as { type: string }).type, JSON.stringify(doc)).to.equal(cause)
    }
    expect(error(ask('POST', '/m/_doc', { o: 5 })).reason).to.equal(
      'object mapping for [o] tried to parse field [o] as object, but found a concrete value',
    )
    // What the engine coerces or takes as it is.
    for (const doc of [{ n: 5.7 }, { n: '5' }, { n: null }, { n: '' }, { b: 'true' }, { k: 5 }]) {
      expect(ask('POST', '/m/_doc', doc).status, JSON.stringify(doc)).to.equal(201)
    }
    expect(ask('POST', '/m/_doc', { d: '2020-01-01T10:00:00Z' }).status).to.equal(201)
  })

  it('dynamic mapping: a field takes the type of its first value, shown in the mappings', () => {
    expect(
      ask('PUT', '/dyn/_doc/1', { n: 1, f: 1.5, t: 'q', on: true, day: '2020-01-01' }).status,
    ).to.equal(201)
    expect(ask('PUT', '/dyn/_doc/2', { n: 'x' }).status).to.equal(400)
    expect(error(ask('PUT', '/dyn/_doc/3', { f: 'q' })).reason).to.include('of type [float]')
    expect(ask('PUT', '/dyn/_doc/4', { t: 5 }).status).to.equal(201)
    expect(error(ask('PUT', '/dyn/_doc/5', { t: { a: 1 } })).reason).to.include('of type [text]')
    expect(ask('PUT', '/dyn/_doc/6', { day: 'nope' }).status).to.equal(400)
    const described = ask('GET', '/dyn').body as Record<string, { mappings: unknown }>
    expect(described.dyn.mappings).to.deep.equal({
      properties: {
        n: { type: 'long' },
        f: { type: 'float' },
        t: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
        on: { type: 'boolean' },
        day: { type: 'date' },
      },
    })
  })

  it('a bulk item with a wrong-typed value fails alone, with the same error', () => {
    ask('PUT', '/m', { mappings })
    const r = ask(
      'POST',
      '/_bulk',
      '{"index":{"_index":"m","_id":"1"}}\n{"n":1}\n{"index":{"_index":"m","_id":"2"}}\n{"n":"x"}\n',
    )
    const body = r.body as { errors: boolean; items: Array<{ index: Record<string, unknown> }> }
    expect(body.errors).to.equal(true)
    expect(body.items.map((i) => i.index.status)).to.deep.equal([201, 400])
    expect((body.items[1].index.error as { type: string }).type).to.equal(
      'mapper_parsing_exception',
    )
  })

  it('if_seq_no/if_primary_term: a stale or missing document is a 409 for index, update and delete', () => {
    ask('PUT', '/v/_doc/1', { n: 1 })
    ask('PUT', '/v/_doc/2', { n: 2 })
    const stale = ask('DELETE', '/v/_doc/1', undefined, 'if_seq_no=99&if_primary_term=1')
    expect(stale.status).to.equal(409)
    expect(error(stale)).to.deep.include({
      type: 'version_conflict_engine_exception',
      reason:
        '[1]: version conflict, required seqNo [99], primary term [1]. current document has seqNo [0] and primary term [1]',
      index: 'v',
      shard: '0',
    })
    expect(store.getDocument('v', '1')).to.deep.equal({ n: 1 })
    const missing = ask('PUT', '/v/_doc/zz', { n: 3 }, 'if_seq_no=3&if_primary_term=1')
    expect(error(missing).reason).to.equal(
      '[zz]: version conflict, required seqNo [3], primary term [1]. but no document was found',
    )
    expect(
      ask('POST', '/v/_update/2', { doc: { n: 9 } }, 'if_seq_no=0&if_primary_term=1').status,
    ).to.equal(409)
    expect(ask('PUT', '/v/_doc/2', { n: 3 }, 'if_seq_no=1&if_primary_term=1').status).to.equal(200)
    expect(ask('DELETE', '/v/_doc/1', undefined, 'if_seq_no=0&if_primary_term=1').status).to.equal(
      200,
    )
    expect(error(ask('PUT', '/v/_doc/2', { n: 1 }, 'if_seq_no=0')).reason).to.equal(
      'Validation Failed: 1: ifSeqNo is set, but primary term is [0];',
    )
    expect(error(ask('PUT', '/v/_doc/2', { n: 1 }, 'if_primary_term=1')).reason).to.equal(
      'Validation Failed: 1: ifSeqNo is unassigned, but primary term is [1];',
    )
    const bulk = ask(
      'POST',
      '/_bulk',
      '{"delete":{"_index":"v","_id":"2","if_seq_no":99,"if_primary_term":1}}\n',
    ).body as { items: Array<{ delete: { status: number } }> }
    expect(bulk.items[0].delete.status).to.equal(409)
  })

  it("a q= that does not parse: 400 search_phase_execution_exception naming each index's shard", () => {
    ask('PUT', '/q1/_doc/1', { tag: 'a' })
    ask('PUT', '/q2/_doc/1', { tag: 'a' })
    const r = ask('GET', '/q1,q2/_search', undefined, 'q=tag:(a')
    expect(r.status).to.equal(400)
    const e = error(r)
    expect([e.type, e.reason, e.phase]).to.deep.equal([
      'search_phase_execution_exception',
      'all shards failed',
      'query',
    ])
    expect(
      (e.root_cause as Array<Record<string, unknown>>).map((c) => [c.type, c.reason, c.index]),
    ).to.deep.equal([
      ['query_shard_exception', 'Failed to parse query [tag:(a]', 'q1'],
      ['query_shard_exception', 'Failed to parse query [tag:(a]', 'q2'],
    ])
    expect((e.caused_by as { caused_by: { reason: string } }).caused_by.reason).to.equal(
      `Cannot parse 'tag:(a': Encountered "<EOF>" at line 1, column 6.`,
    )
    expect(ask('GET', '/q1/_count', undefined, 'q=a%20AND').status).to.equal(400)
    expect(ask('GET', '/q1/_search', undefined, 'q=tag:a').status).to.equal(200)
  })

  it('scroll ids: 400 "Cannot parse scroll id" for one the engine never gave; 404 for one it freed', () => {
    for (let i = 0; i < 3; i++) ask('PUT', `/s/_doc/${i}`, { i })
    for (const [method, path, body] of [
      ['DELETE', '/_search/scroll/garbage', undefined],
      ['DELETE', '/_search/scroll', { scroll_id: 'garbage' }],
      ['GET', '/_search/scroll/garbage', undefined],
      ['POST', '/_search/scroll', { scroll_id: 'garbage' }],
    ] as const) {
      const r = ask(method, path, body)
      expect([r.status, error(r).type, error(r).reason], `${method} ${path}`).to.deep.equal([
        400,
        'illegal_argument_exception',
        'Cannot parse scroll id',
      ])
    }
    const id = (
      ask('GET', '/s/_search', undefined, 'scroll=1m&size=1').body as { _scroll_id: string }
    )._scroll_id
    expect(ask('DELETE', `/_search/scroll/${id}`).body).to.deep.equal({
      succeeded: true,
      num_freed: 1,
    })
    const again = ask('DELETE', `/_search/scroll/${id}`)
    expect([again.status, again.body]).to.deep.equal([404, { succeeded: true, num_freed: 0 }])
    const gone = ask('GET', '/_search/scroll', undefined, `scroll_id=${id}`)
    expect([gone.status, error(gone).type]).to.deep.equal([404, 'search_phase_execution_exception'])
    expect(error(gone).root_cause).to.deep.equal([
      { type: 'search_context_missing_exception', reason: 'No search context found for id [1]' },
    ])
    expect(error(ask('GET', '/_search/scroll')).reason).to.equal(
      'Validation Failed: 1: scrollId is missing;',
    )
    expect(error(ask('DELETE', '/_search/scroll')).reason).to.equal(
      'Validation Failed: 1: no scroll ids specified;',
    )
  })

  it('405: `error` is a plain string; Allow lists the methods the route takes', () => {
    const r = ask('GET', '/_bulk')
    expect(r).to.deep.equal({
      status: 405,
      body: {
        error: 'Incorrect HTTP method for uri [/_bulk] and method [GET], allowed: [POST, PUT]',
        status: 405,
      },
      headers: { allow: 'POST,PUT' },
    })
    expect(ask('PATCH', '/i/_doc/1').headers).to.deep.equal({ allow: 'POST,HEAD,PUT,DELETE,GET' })
    expect(ask('POST', '/i').headers).to.deep.equal({ allow: 'HEAD,PUT,DELETE,GET' })
    expect(ask('PUT', '/_search/scroll').headers).to.deep.equal({ allow: 'POST,DELETE,GET' })
  })

  it('no handler: 400 with `error` a plain string; `_`-prefixed names are invalid index names', () => {
    expect(ask('GET', '/i/_nope')).to.deep.equal({
      status: 400,
      body: { error: 'no handler found for uri [/i/_nope] and method [GET]' },
    })
    expect(ask('GET', '/_cat/nope').body).to.deep.equal({
      error: 'no handler found for uri [/_cat/nope] and method [GET]',
    })
    for (const [method, path] of [
      ['GET', '/_nope'],
      ['DELETE', '/_nope'],
      ['GET', '/_nope/_search'],
      ['GET', '/_nope/_count'],
    ]) {
      const r = ask(method, path)
      expect([r.status, error(r)], `${method} ${path}`).to.deep.equal([
        400,
        {
          root_cause: [
            {
              type: 'invalid_index_name_exception',
              reason: "Invalid index name [_nope], must not start with '_'.",
              index: '_nope',
              index_uuid: '_na_',
            },
          ],
          type: 'invalid_index_name_exception',
          reason: "Invalid index name [_nope], must not start with '_'.",
          index: '_nope',
          index_uuid: '_na_',
        },
      ])
    }
    expect(ask('HEAD', '/_nope')).to.deep.equal({ status: 400, body: undefined })
    expect(error(ask('POST', '/_nope/_doc', {})).reason).to.equal(
      "Invalid index name [_nope], must not start with '_', '-', or '+'",
    )
  })

  it('_mget and _msearch', () => {
    ask('PUT', '/g/_doc/1', { n: 1 })
    const mget = ask('POST', '/_mget', {
      docs: [
        { _index: 'g', _id: '1' },
        { _index: 'g', _id: 'nope' },
        { _index: 'missing', _id: '1' },
      ],
    }).body as { docs: Array<Record<string, unknown>> }
    expect(mget.docs[0]).to.include({ _index: 'g', _id: '1', found: true })
    expect(mget.docs[1]).to.deep.equal({ _index: 'g', _id: 'nope', found: false })
    expect((mget.docs[2].error as { type: string }).type).to.equal('index_not_found_exception')
    const ids = ask('GET', '/g/_mget', { ids: ['1', 'x'] }, '_source=false').body as {
      docs: Array<Record<string, unknown>>
    }
    expect(ids.docs.map((d) => [d._id, d.found, '_source' in d])).to.deep.equal([
      ['1', true, false],
      ['x', false, false],
    ])
    expect(error(ask('POST', '/_mget', { ids: ['1'] })).reason).to.equal(
      'Validation Failed: 1: index is missing for doc 0;',
    )
    expect(error(ask('POST', '/g/_mget')).reason).to.equal(
      'request body or source parameter is required',
    )
    const msearch = ask(
      'POST',
      '/_msearch',
      '{"index":"g"}\n{"query":{"match_all":{}},"size":1}\n{"index":"missing"}\n{}\n',
    ).body as { responses: Array<Record<string, unknown>> }
    expect(msearch.responses.map((r) => r.status)).to.deep.equal([200, 404])
    expect(msearch.responses[0]).to.have.nested.property('hits.total.value', 1)
    expect(msearch.responses[1]).to.have.nested.property('error.type', 'index_not_found_exception')
    const scoped = ask('GET', '/g/_msearch', '{}\n{"size":0}\n').body as {
      responses: Array<Record<string, unknown>>
    }
    expect(scoped.responses[0]).to.have.nested.property('hits.total.value', 1)
  })

  it('GET / reports OpenSearch 2.19.6, the 2.x tested against a real engine', () => {
    const info = ask('GET', '/').body as { version: Record<string, unknown> }
    expect(info.version).to.include({
      number: '2.19.6',
      distribution: 'opensearch',
      lucene_version: '9.12.3',
    })
    expect(error(ask('DELETE', '/')).reason).to.equal(
      'Validation Failed: 1: index / indices is missing;',
    )
  })
})

describe('emulator: a 405 carries Allow over HTTP', () => {
  it("sends the store's Allow header", async () => {
    const emu = await startEmulator({ credentials: KEY })
    try {
      const res = await call(emu.url, KEY, { method: 'GET', path: '/_bulk' })
      expect([res.status, res.headers.allow]).to.deep.equal([405, 'POST,PUT'])
      expect(res.json()).to.deep.equal({
        error: 'Incorrect HTTP method for uri [/_bulk] and method [GET], allowed: [POST, PUT]',
        status: 405,
      })
    } finally {
      await emu.close()
    }
  })
})
