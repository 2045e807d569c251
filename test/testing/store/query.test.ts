import { expect } from 'chai'
import { EsError } from '../../../lib/testing/store/errors'
import {
  compareValues,
  fieldValues,
  matches,
  matchesQueryString,
  wildcardToRegExp,
} from '../../../lib/testing/store/query'

const DOC = {
  title: 'The Quick Brown Fox',
  tags: ['animal', 'fast'],
  stats: { views: 42, rating: 4.5 },
  authors: [{ name: 'ann' }, { name: 'bob' }],
}

describe('emulator store query: matching documents (pure)', () => {
  it('reads dotted paths through objects and arrays; .keyword reads the field', () => {
    expect(fieldValues(DOC, 'stats.views')).to.deep.equal([42])
    expect(fieldValues(DOC, 'authors.name')).to.deep.equal(['ann', 'bob'])
    expect(fieldValues(DOC, 'tags.keyword')).to.deep.equal(['animal', 'fast'])
    expect(fieldValues(DOC, 'missing.field')).to.deep.equal([])
  })

  // query → matches DOC (id 'd1')
  const cases: Array<[unknown, boolean]> = [
    [{}, true],
    [{ match_all: {} }, true],
    [{ match_none: {} }, false],
    [{ ids: { values: ['d1'] } }, true],
    [{ term: { 'stats.views': 42 } }, true],
    [{ term: { 'stats.views': '42' } }, true],
    [{ term: { tags: 'slow' } }, false],
    [{ match: { title: 'quick cat' } }, true],
    [{ match_phrase: { title: 'brown fox' } }, true],
    [{ match_phrase: { title: 'fox brown' } }, false],
    [{ prefix: { 'authors.name': 'bo' } }, true],
    [{ wildcard: { tags: 'an*l' } }, true],
    [{ terms: { tags: ['x', 'fast'] } }, true],
    [{ exists: { field: 'stats.rating' } }, true],
    [{ range: { 'stats.rating': { gte: 4, lt: 5 } } }, true],
    [{ range: { 'stats.rating': { gt: 4.5 } } }, false],
    [{ bool: { must: [{ term: { tags: 'fast' } }], must_not: [{ term: { tags: 'x' } }] } }, true],
    [{ bool: { should: [{ term: { tags: 'x' } }, { term: { tags: 'y' } }] } }, false],
    [{ bool: { filter: { term: { tags: 'animal' } }, should: { term: { tags: 'x' } } } }, true],
    [{ query_string: { query: 'title:quick' } }, true],
  ]
  for (const [query, expected] of cases) {
    it(`${JSON.stringify(query)} → ${expected}`, () => {
      expect(matches(DOC, 'd1', query)).to.equal(expected)
    })
  }

  it('refuses unknown and malformed queries as Elasticsearch does', () => {
    expect(() => matches(DOC, 'd1', { fuzzy: {} })).to.throw(EsError, 'unknown query [fuzzy]')
    expect(() => matches(DOC, 'd1', 'match_all')).to.throw(EsError, /must start with start_object/)
  })

  it('q= strings: *, field:value, bare terms in any field, wildcards, quoted phrases', () => {
    expect(matchesQueryString(DOC, 'd1', '*')).to.equal(true)
    expect(matchesQueryString(DOC, 'd1', 'tags:fast')).to.equal(true)
    expect(matchesQueryString(DOC, 'd1', 'bob')).to.equal(true)
    expect(matchesQueryString(DOC, 'd1', 'qui*')).to.equal(true)
    expect(matchesQueryString(DOC, 'd1', 'title:"brown fox"')).to.equal(true)
    expect(matchesQueryString(DOC, 'd1', '_id:d2')).to.equal(false)
    expect(matchesQueryString(DOC, 'd1', 'nothing')).to.equal(false)
  })

  it('orders values: numbers numerically, missing values last', () => {
    expect([10, 9, undefined, 100].sort(compareValues)).to.deep.equal([9, 10, 100, undefined])
    expect(['b', 'a'].sort(compareValues)).to.deep.equal(['a', 'b'])
  })

  it('wildcards match whole values, with regex characters taken literally', () => {
    expect(wildcardToRegExp('logs-*').test('logs-2024')).to.equal(true)
    expect(wildcardToRegExp('a.b').test('axb')).to.equal(false)
  })
})
