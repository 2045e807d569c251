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
    it(`refuses ${JSON.stringify(q)}`, () =>
      expect(queryStringProblem(q)?.message).to.be.a('string'))
  }

  it('says what Lucene says, where it says it', () => {
    // As OpenSearch 2.19.6 words them (test/engines/imitation.test.ts holds more to it).
    const said = (q: string): string | undefined => queryStringProblem(q)?.message
    expect(said('tag:(a')).to.equal('Encountered "<EOF>" at line 1, column 6.')
    expect(said('a AND')).to.equal('Encountered "<EOF>" at line 1, column 5.')
    expect(said('a OR OR b')).to.equal('Encountered " <OR> "OR "" at line 1, column 5.')
    expect(said('()')).to.equal('Encountered " ")" ") "" at line 1, column 1.')
    expect(queryStringProblem('a/b')).to.deep.equal({
      type: 'token_mgr_error',
      message:
        'Lexical error at line 1, column 4.  Encountered: <EOF> after prefix "/b" (in lexical state 2)',
    })
    expect(said('"abc')).to.equal(
      'Lexical error at line 1, column 5.  Encountered: <EOF> after prefix "\\"abc" (in lexical state 2)',
    )
    expect(said('a \\')).to.equal(
      'Lexical error at line 1, column 4.  Encountered: <EOF> (in lexical state 2)',
    )
  })

  it('refuses groups nested deeper than it follows, without overflowing the stack', () => {
    expect(queryStringProblem('('.repeat(10_000) + 'a' + ')'.repeat(10_000))?.message).to.equal(
      'too many nested groups',
    )
  })
})
