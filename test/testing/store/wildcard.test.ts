import { expect } from 'chai'
import { wildcardMatcher } from '../../../lib/testing/store/wildcard'

describe('emulator store: wildcard patterns', () => {
  it('* matches any run, ? one character (in queries), everything else itself', () => {
    const q = (p: string) => wildcardMatcher(p, { questionMark: true })
    expect(q('hel*').test('hello')).to.equal(true)
    expect(q('h?llo').test('hallo')).to.equal(true)
    expect(q('h?llo').test('hllo')).to.equal(false)
    expect(q('*a*b*').test('xxaxxbxx')).to.equal(true)
    expect(q('*a*b*').test('xxbxxaxx')).to.equal(false)
    expect(q('a*').test('a')).to.equal(true)
    expect(q('*').test('')).to.equal(true)
    expect(q('a.b').test('axb')).to.equal(false)
    // Index patterns: ? is a literal.
    expect(wildcardMatcher('logs-?').test('logs-1')).to.equal(false)
    expect(wildcardMatcher('logs-?').test('logs-?')).to.equal(true)
  })

  it('does at most text × pattern comparisons, however many stars', () => {
    for (const stars of [1, 5, 13, 40]) {
      const pattern = `${'*a'.repeat(stars)}*b`
      const text = 'a'.repeat(200)
      const counter = { comparisons: 0 }
      expect(wildcardMatcher(pattern, { questionMark: true }).test(text, counter)).to.equal(false)
      expect(counter.comparisons, `${stars} stars`).to.be.at.most(
        (text.length + 1) * (pattern.length + 1),
      )
      const withQ = { comparisons: 0 }
      wildcardMatcher(`${'*a?'.repeat(stars)}*b`, { questionMark: true }).test(text, withQ)
      expect(withQ.comparisons, `${stars} stars with ?`).to.be.at.most(
        (text.length + 1) * (3 * stars + 3),
      )
    }
  })
})
