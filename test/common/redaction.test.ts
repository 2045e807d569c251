import { expect } from 'chai'
import fc from 'fast-check'
import { redactHeaderValues, redactSecrets } from '../../lib/common/redaction'
import { fuzzSeed } from '../reliability/fuzz-properties'

const TOKEN = 'IQoJb3JpZ2luX2Vj+EXAMPLE/token=='
const MARK = '<redacted session token>'
const secrets = [{ value: TOKEN, mark: MARK }]

/** Every way a body may spell the token: JSON escapes, percent-encoding, HTML entities, mixed. */
const FORMS: Array<[string, string]> = [
  ['as is', TOKEN],
  ['JSON \\/', TOKEN.replace(/\//g, '\\/')],
  [
    'JSON \\u002b \\u003d \\u002f',
    TOKEN.replace(/\+/g, '\\u002b').replace(/=/g, '\\u003d').replace(/\//g, '\\u002f'),
  ],
  ['JSON \\u002B upper case', TOKEN.replace(/\+/g, '\\u002B').replace(/=/g, '\\u003D')],
  [
    'every character \\u-escaped',
    [...TOKEN].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  ],
  ['percent-encoded', encodeURIComponent(TOKEN)],
  [
    'percent-encoded, lower case',
    encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  ],
  [
    'every character percent-encoded',
    [...TOKEN].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(''),
  ],
  ['HTML entities', TOKEN.replace(/\+/g, '&#43;').replace(/\//g, '&#x2F;')],
  ['mixed', TOKEN.replace('+', '%2B').replace('/', '\\u002f').replace('==', '\\u003d%3D')],
]

describe('redaction: a secret in any of its encodings', () => {
  for (const [name, form] of FORMS) {
    it(`${name}: replaced, and the text around it kept`, () => {
      const text = `{"message":"x-amz-security-token:${form}\\nhost:a","q":"X-Amz-Security-Token=${form}&b"}`
      const out = redactSecrets(text, secrets)
      expect(out).to.equal(
        `{"message":"x-amz-security-token:${MARK}\\nhost:a","q":"X-Amz-Security-Token=${MARK}&b"}`,
      )
    })
  }

  it('a short secret is replaced where it stands alone, never cut out of a longer word', () => {
    const short = [{ value: 'tok', mark: MARK }]
    expect(redactSecrets('x-amz-security-token:tok\nhost:a', short)).to.equal(
      `x-amz-security-token:${MARK}\nhost:a`,
    )
    expect(redactSecrets('tokens of a token: atok, toky', short)).to.equal(
      'tokens of a token: atok, toky',
    )
  })

  it('the same string back when nothing is found, and nothing changes without secrets', () => {
    const text = 'no secret here %zz \\q &#;'
    expect(redactSecrets(text, secrets)).to.equal(text)
    expect(redactSecrets(text, [{ value: '', mark: MARK }])).to.equal(text)
    expect(redactSecrets(TOKEN, [])).to.equal(TOKEN)
  })

  it('several secrets, each with its own mark, wherever they are', () => {
    const sig = 'a'.repeat(64)
    const both = [...secrets, { value: sig, mark: '<redacted signature>' }]
    expect(redactSecrets(`${sig} ${encodeURIComponent(TOKEN)} ${sig}`, both)).to.equal(
      `<redacted signature> ${MARK} <redacted signature>`,
    )
  })

  it('no encoding of the token survives, whatever text is around it (property)', () => {
    const separators = fc.constantFrom(' ', '"', ':', '\n', '&', '=', ',', '<', '>', '\\n')
    fc.assert(
      fc.property(
        fc.string(),
        separators,
        fc.constantFrom(...FORMS.map(([, form]) => form)),
        separators,
        fc.string(),
        (before, open, form, close, after) => {
          const out = redactSecrets(`${before}${open}${form}${close}${after}`, secrets)
          expect(out).to.include(`${open}${MARK}${close}`)
          expect(out).not.to.include(TOKEN)
        },
      ),
      { seed: fuzzSeed(), numRuns: 500 },
    )
  })
})

describe('redaction: header values', () => {
  it('replaces the token in any value, the same object when none has it', () => {
    const headers = {
      'content-type': 'text/plain',
      'x-echo': `token=${encodeURIComponent(TOKEN)}`,
      'set-cookie': [`a=${TOKEN}`, 'b=1'],
    }
    const out = redactHeaderValues(headers, secrets)
    expect(out).to.deep.equal({
      'content-type': 'text/plain',
      'x-echo': `token=${MARK}`,
      'set-cookie': [`a=${MARK}`, 'b=1'],
    })
    expect(headers['x-echo']).to.include('%2B') // the input is not modified
    const clean = { 'content-type': 'text/plain', 'content-length': 12 }
    expect(redactHeaderValues(clean, secrets)).to.equal(clean)
  })
})
