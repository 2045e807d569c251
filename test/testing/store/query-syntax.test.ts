import { expect } from 'chai'
import { queryStringProblem } from '../../../lib/testing/store/query-syntax'

/**
 * `q=` strings and whether they parse, as OpenSearch 2.19.6 answered them (200, or 400
 * search_phase_execution_exception around Lucene's parse_exception) when the store's check was
 * written against the real engine (test/engines/).
 */
const PARSES = [
  '*',
  '?',
  'a~',
  '-a',
  'a b',
  'NOT a',
  'tag:*',
  '*:*',
  'é*',
  'a||',
  '||b',
  '&&b',
  'a&&b',
  'AND-x',
  'a\\:b',
  'a^2.5~',
  '{a TO b]',
  'x:[1 TO 5}',
  'a:(b c)',
  'a:/re/',
  'msg:(hel* OR "x") !y',
  'tag:(plus+sign)',
  'msg:"a/b"||tag:(plus+sign)&&!tag:"x=y&z"||é*',
  'msg:("a/b"||x*)&&!tag:\'é\'~1',
]
const REFUSED = [
  'a/b',
  'tag:a/b',
  '/unterminated',
  'a:',
  'tag:',
  ':a',
  'a:b:c',
  '(',
  ')',
  '()',
  'a)',
  '"abc',
  'a:"b',
  'a \\',
  'AND',
  'OR',
  'NOT',
  'AND a',
  'a OR',
  'a ||',
  '||(a)',
  '&&',
  'a &&',
  'a OR OR b',
  'a AND NOT',
  'a* AND',
  '!',
  'a!',
  '-',
  '+',
  'a -',
  'a +',
  '~',
  '^',
  'a^',
  '[a TO',
  'x:[1 5]',
  'x:[TO 5]',
]

describe("emulator store: q= parsed as Lucene's classic syntax", () => {
  for (const q of PARSES) {
    it(`parses ${JSON.stringify(q)}`, () => expect(queryStringProblem(q)).to.equal(undefined))
  }
  for (const q of REFUSED) {
    it(`refuses ${JSON.stringify(q)}`, () => expect(queryStringProblem(q)).to.be.a('string'))
  }

  it('says what Lucene says, where it says it', () => {
    expect(queryStringProblem('tag:(a')).to.equal('Encountered "<EOF>" at line 1, column 6.')
    expect(queryStringProblem('a AND')).to.equal('Encountered "<EOF>" at line 1, column 5.')
    expect(queryStringProblem('a/b')).to.equal(
      'Lexical error at line 1, column 4.  Encountered: <EOF> after prefix "/b"',
    )
  })

  it('refuses groups nested deeper than it follows, without overflowing the stack', () => {
    expect(queryStringProblem('('.repeat(10_000) + 'a' + ')'.repeat(10_000))).to.equal(
      'too many nested groups',
    )
  })
})
