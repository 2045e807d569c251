import { expect } from 'chai'
import { EsError } from '../../../lib/testing/store/errors'
import { matches, matchesQueryString } from '../../../lib/testing/store/query'
import { parseQueryString } from '../../../lib/testing/store/query-string'

const DOCS: Record<string, Record<string, unknown>> = {
  d1: { msg: 'hello world', level: 'info', tags: ['a', 'b'] },
  d2: { msg: 'goodbye world', level: 'warn', tags: ['b'] },
  d3: { msg: 'say x loudly', level: 'info', note: 'y' },
  d4: { msg: 'hello there', level: 'error', note: 'y', user: { name: 'Ann Lee' } },
}

/** The ids of the documents `q` finds, in order. */
function found(q: string, options = {}): string[] {
  return Object.entries(DOCS)
    .filter(([id, doc]) => matchesQueryString(doc, id, q, options))
    .map(([id]) => id)
}

function parseError(q: string): EsError {
  try {
    parseQueryString(q)
  } catch (err) {
    expect(err).to.be.instanceOf(EsError)
    return err as EsError
  }
  expect.fail(`expected ${q} to be refused`)
}

describe('emulator store: query_string syntax', () => {
  // query → ids found
  const cases: Array<[string, string[]]> = [
    // The README's quick-start query: a field group with a wildcard and a phrase, then a NOT.
    ['msg:(hel* OR "x") !y', ['d1']],
    ['hello OR goodbye', ['d1', 'd2', 'd4']],
    ['hello goodbye', ['d1', 'd2', 'd4']],
    ['hello AND world', ['d1']],
    ['hello && there', ['d4']],
    ['world || there', ['d1', 'd2', 'd4']],
    ['+hello -there', ['d1']],
    ['hello NOT there', ['d1']],
    ['NOT hello', ['d2', 'd3']],
    ['-level:info', ['d2', 'd4']],
    ['(hello OR goodbye) AND level:info', ['d1']],
    ['level:(info OR warn) AND NOT tags:a', ['d2', 'd3']],
    ['msg:"hello world"', ['d1']],
    ['msg:"world hello"', []],
    ['msg:h?llo', ['d1', 'd4']],
    ['note:*', ['d3', 'd4']],
    ['_exists_:user', ['d4']],
    ['user.name:ann', ['d4']],
    ['_id:d2', ['d2']],
    ['*', ['d1', 'd2', 'd3', 'd4']],
    // Lucene's own combination: AND makes the clause before it required too, OR does not.
    ['hello AND there OR goodbye', ['d4']],
  ]
  for (const [q, ids] of cases) {
    it(`${q} → ${ids.join(', ') || 'nothing'}`, () => {
      expect(found(q)).to.deep.equal(ids)
    })
  }

  it('default_operator AND, and a default field', () => {
    expect(found('hello world', { defaultOperator: 'AND' })).to.deep.equal(['d1'])
    expect(found('y', { defaultFields: ['note'] })).to.deep.equal(['d3', 'd4'])
    expect(found('y', { defaultFields: ['msg'] })).to.deep.equal([])
  })

  it('the query_string query takes the same syntax and its options', () => {
    const query = { query_string: { query: 'hello world', default_operator: 'and' } }
    expect(matches(DOCS.d1, 'd1', query)).to.equal(true)
    expect(matches(DOCS.d4, 'd4', query)).to.equal(false)
  })

  // what the emulator does not run → the part named
  const unsupported: Array<[string, RegExp]> = [
    ['msg:hello~2', /fuzzy and proximity queries \(~\)/],
    ['msg:"hello world"~3', /fuzzy and proximity queries \(~\)/],
    ['hello^2', /boosts \(\^\)/],
    ['n:[1 TO 5]', /range queries/],
    ['n:{1 TO 5}', /range queries/],
    ['n:>5', /range comparisons/],
    ['msg:/hel+o/', /regular expressions/],
    ['ms*:hello', /wildcard field names/],
  ]
  for (const [q, part] of unsupported) {
    it(`refuses ${q} with a 400 naming what is not supported`, () => {
      const err = parseError(q)
      expect(err.status).to.equal(400)
      expect(err.type).to.equal('query_shard_exception')
      expect(err.reason).to.equal(`Failed to parse query [${q}]`)
      const cause = err.extra.caused_by as { type: string; reason: string }
      expect(cause.type).to.equal('parse_exception')
      expect(cause.reason).to.match(part)
      expect(cause.reason).to.include('not supported by the emulator')
    })
  }

  for (const q of ['(hello', 'hello)', 'AND hello', 'msg:', 'hello AND', '"hello']) {
    it(`refuses the malformed ${JSON.stringify(q)} with a 400, never 0 hits`, () => {
      expect(parseError(q).status).to.equal(400)
    })
  }
})
