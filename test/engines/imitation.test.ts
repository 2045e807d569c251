import { expect } from 'chai'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { call } from '../testing/sign'
import type { RawResponse } from '../testing/sign'
import { realEngine, realEnginesMissing, selectedEngines } from '../support/engines'
import { describeWithTools } from '../support/tool-requirements'

/**
 * The emulator's in-memory store against the engine it imitates: the same requests to a real
 * OpenSearch 2.19 (behind the emulator in upstream mode) and to the store, and the same
 * answers, where the store once answered differently (docs/emulator.md lists what it still
 * does not do). Compared: the status, `Allow` (as a set), and the error's type, reason, root
 * causes and the first line of its innermost cause; for a success, the fields named.
 */

const KEY = { accessKeyId: 'AKIDIMITATION', secretAccessKey: 'imitation/secret' }
const MAPPINGS = {
  properties: {
    n: { type: 'integer' },
    s: { type: 'short' },
    l: { type: 'long' },
    b: { type: 'boolean' },
    k: { type: 'keyword' },
    msg: { type: 'text' },
    o: { properties: { x: { type: 'integer' } } },
    d: { type: 'date' },
  },
}

interface Probe {
  title: string
  method: string
  path: string
  query?: string
  body?: unknown
  /** For a 2xx: the (dotted) fields to compare. */
  fields?: string[]
  /** The engine's innermost cause is an artefact of its internals, which the store does not give. */
  noInnerCause?: boolean
}

const json = (body: unknown): string => (typeof body === 'string' ? body : JSON.stringify(body))
const doc = (id: string, body: unknown, query?: string): Probe => ({
  title: `PUT /ix/_doc/${id} ${json(body)}${query ? `?${query}` : ''}`,
  method: 'PUT',
  path: `/ix/_doc/${id}`,
  body,
  query,
  fields: ['result', '_seq_no'],
})
const search = (q: string): Probe => ({
  title: `q=${q}`,
  method: 'GET',
  path: '/ix/_search',
  query: `q=${encodeURIComponent(q)}&size=0`,
  fields: ['hits.total.value'],
})

/** In order: each probe may rely on what the ones before it wrote. */
const PROBES: Probe[] = [
  { title: 'create with mappings', method: 'PUT', path: '/ix', body: { mappings: MAPPINGS } },
  doc('1', { n: 1, msg: 'hello', k: 'a' }, 'refresh=true'),
  doc('bad', { n: 'not a number' }),
  doc('bad', { n: true }),
  doc('bad', { n: [1, 'y'] }),
  doc('bad', { n: 3_000_000_000 }),
  doc('bad', { s: 70_000 }),
  doc('bad', { l: 'x' }),
  doc('bad', { b: 'yes' }),
  doc('bad', { k: { a: 1 } }),
  doc('bad', { o: { x: 'z' } }),
  doc('bad', { o: 5 }),
  doc('bad', { d: 'nope' }),
  doc('dyn', { fresh: 1.5, word: 'q', day: '2020-01-01' }),
  doc('bad', { fresh: 'q' }),
  doc('bad', { day: 'nope' }),
  doc('2', { n: '5', b: 'true', k: 5 }),
  search('k:a'),
  search('tag:(a'),
  search('a AND'),
  search('a OR OR b'),
  search(':a'),
  search('a:b:c'),
  search('()'),
  search('~'),
  search('a/b'),
  search('"abc'),
  search('a \\'),
  {
    title: 'stale if_seq_no on delete',
    method: 'DELETE',
    path: '/ix/_doc/1',
    query: 'if_seq_no=99&if_primary_term=1',
  },
  {
    title: 'if_seq_no on a missing document',
    method: 'PUT',
    path: '/ix/_doc/zz',
    query: 'if_seq_no=3&if_primary_term=1',
    body: { n: 1 },
  },
  {
    title: 'if_seq_no without if_primary_term',
    method: 'PUT',
    path: '/ix/_doc/1',
    query: 'if_seq_no=0',
    body: { n: 1 },
  },
  // The engine's cause is its decoder's (an EOF after reading `garbage` as base64).
  {
    title: 'scroll id never given',
    method: 'DELETE',
    path: '/_search/scroll/garbage',
    noInnerCause: true,
  },
  {
    title: 'scroll id never given, body',
    method: 'POST',
    path: '/_search/scroll',
    body: { scroll_id: 'garbage' },
    noInnerCause: true,
  },
  { title: 'scroll without an id', method: 'GET', path: '/_search/scroll' },
  { title: 'clear scroll without an id', method: 'DELETE', path: '/_search/scroll' },
  { title: '405', method: 'GET', path: '/_bulk' },
  { title: '405 on a document', method: 'PATCH', path: '/ix/_doc/1' },
  { title: 'no handler', method: 'GET', path: '/ix/_nope' },
  { title: 'no handler under _cat', method: 'GET', path: '/_cat/nope' },
  { title: 'an index name starting with _', method: 'GET', path: '/_nope' },
  { title: 'a search over a name starting with _', method: 'GET', path: '/_nope/_search' },
  {
    title: 'mget',
    method: 'POST',
    path: '/_mget',
    body: {
      docs: [
        { _index: 'ix', _id: '1' },
        { _index: 'ix', _id: 'x' },
        { _index: 'nope', _id: '1' },
      ],
    },
    fields: ['docs.0.found', 'docs.1.found', 'docs.2.error.type'],
  },
  { title: 'mget without an index', method: 'POST', path: '/_mget', body: { ids: ['1'] } },
  {
    title: 'msearch',
    method: 'POST',
    path: '/_msearch',
    body: '{"index":"ix"}\n{"size":0}\n{"index":"nope"}\n{}\n',
    fields: [
      'responses.0.status',
      'responses.0.hits.total.value',
      'responses.1.status',
      'responses.1.error.type',
    ],
  },
  {
    title: 'GET /',
    method: 'GET',
    path: '/',
    fields: ['version.number', 'version.distribution', 'version.lucene_version', 'tagline'],
  },
]

type Json = Record<string, unknown>

function at(value: unknown, path: string): unknown {
  let v = value
  for (const part of path.split('.')) v = (v as Json | undefined)?.[part]
  return v
}

/** What is compared of an answer. */
function shape(probe: Probe, res: RawResponse): unknown {
  const body: unknown = res.text === '' ? undefined : res.json()
  const out: Json = { status: res.status }
  // The engine lists allowed methods from a hash set: their order changes from run to run.
  const methods = (list: string, by: RegExp): string => list.split(by).sort().join(',')
  if (res.headers.allow !== undefined) out.allow = methods(String(res.headers.allow), /,/)
  const error = (body as Json | undefined)?.error
  if (typeof error === 'string') {
    out.error = error.replace(
      /allowed: \[(.*)\]$/,
      (_, list: string) => `allowed: [${methods(list, /, /)}]`,
    )
  } else if (error !== undefined) {
    const e = error as Json
    let innermost: Json = e
    while (innermost.caused_by !== undefined) innermost = innermost.caused_by as Json
    out.error = {
      type: e.type,
      reason: e.reason,
      rootCauses: (e.root_cause as Json[]).map((c) => [c.type, c.reason]),
      cause:
        e === innermost || probe.noInnerCause
          ? undefined
          : // The engine says where in the body it was (`at 1:6`); the store does not.
            [
              innermost.type,
              String(innermost.reason)
                .split('\n')[0]
                .replace(/ at \d+:\d+$/, ''),
            ],
    }
  } else {
    for (const field of probe.fields ?? []) out[field] = at(body, field)
  }
  return out
}

/** Ids the engine generated, which cannot match. */
const withoutGenerated = (text: unknown): unknown =>
  JSON.parse(JSON.stringify(text).replace(/document with id '[^']*'/g, "document with id '…'"))

const engines = selectedEngines().filter((e) => e.id === 'opensearch-2')

describeWithTools(
  'real engines: the imitation answers as OpenSearch 2.19 does',
  realEnginesMissing(),
  () => {
    if (engines.length === 0) return
    let real: Emulator
    let imitation: Emulator
    const answers: Array<{ real: unknown; imitation: unknown }> = []

    before(async function () {
      this.timeout(300_000)
      const engine = await realEngine('opensearch-2')
      real = await startEmulator({ credentials: KEY, upstream: engine.url })
      imitation = await startEmulator({ credentials: KEY })
      // Both get the same requests, in order, before any comparison.
      for (const probe of PROBES) {
        const request = {
          method: probe.method,
          path: probe.path.replace('/ix', '/imitation-parity'),
          query: probe.query,
          headers: (probe.body === undefined
            ? {}
            : { 'content-type': 'application/json' }) as Record<string, string>,
          body: probe.body === undefined ? undefined : json(probe.body),
        }
        const pair = await Promise.all([
          call(real.url, KEY, request),
          call(imitation.url, KEY, request),
        ])
        answers.push({
          real: withoutGenerated(shape(probe, pair[0])),
          imitation: withoutGenerated(shape(probe, pair[1])),
        })
      }
    })
    after(async () => {
      await real?.close()
      await imitation?.close()
    })

    PROBES.forEach((probe, i) => {
      it(probe.title, () => {
        const { real: theirs, imitation: ours } = answers[i]
        expect(JSON.stringify(ours).replaceAll('imitation-parity', 'ix')).to.equal(
          JSON.stringify(theirs).replaceAll('imitation-parity', 'ix'),
        )
      })
    })
  },
)
