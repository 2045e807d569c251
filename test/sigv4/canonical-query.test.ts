import { expect } from 'chai'
import { stringify } from 'node:querystring'
import fc from 'fast-check'
import { canonicalQuery, encodedQuery, queryParameters } from '../../lib/sigv4/canonical-query'
import { AwsSigV4RequestError } from '../../lib/errors'
import { newStats, queryProperty } from '../support/sigv4-differential'
import { fuzzSeed } from '../reliability/fuzz-properties'

describe('query: canonical re-encoding', () => {
  it("re-encodes what the client serialises per RFC 3986 (space %20, * ! ' ( ) encoded)", () => {
    // The client serialises with Node's querystring, which leaves ! ' ( ) * raw.
    const wire = stringify({ q: `msg:(hel* OR "x") !y 'z' + & =` })
    const canonical = canonicalQuery(wire)
    const parameters = queryParameters(wire)
    expect(parameters).to.deep.equal({ q: `msg:(hel* OR "x") !y 'z' + & =` })
    expect(canonical).to.equal(
      'q=msg%3A%28hel%2A%20OR%20%22x%22%29%20%21y%20%27z%27%20%2B%20%26%20%3D',
    )
    expect(canonical).not.to.include('+')
  })

  it('sorts by key, then value for repeated keys, and keeps empty values', () => {
    const canonical = canonicalQuery('b=2&a=&c=z&c=a&pretty')
    expect(canonical).to.equal('a=&b=2&c=a&c=z&pretty=')
  })

  it('treats + as a space, as Elasticsearch decodes query parameters', () => {
    expect(canonicalQuery('q=a+b')).to.equal('q=a%20b')
  })

  it('encodes unicode as UTF-8 and keeps unreserved characters', () => {
    expect(canonicalQuery(stringify({ q: 'é 日本 🎉', s: 'A-z_0.9~' }))).to.equal(
      'q=%C3%A9%20%E6%97%A5%E6%9C%AC%20%F0%9F%8E%89&s=A-z_0.9~',
    )
  })

  it('keeps a malformed escape literally instead of guessing', () => {
    expect(canonicalQuery('q=100%zz')).to.equal('q=100%25zz')
  })

  it('leaves scroll ids (base64 with = padding) intact', () => {
    const id = 'FGluY2x1ZGVfY29udGV4dF91dWlkDXF1ZXJ5QW5kRmV0Y2gBFk5v+/=='
    const parameters = queryParameters(stringify({ scroll_id: id }))
    const canonical = canonicalQuery(stringify({ scroll_id: id }))
    expect(parameters.scroll_id).to.equal(id)
    expect(canonical).to.equal(`scroll_id=${encodeURIComponent(id)}`)
  })

  it('gives an empty string for no query', () => {
    expect(canonicalQuery(undefined)).to.equal('')
    expect(canonicalQuery('')).to.equal('')
  })
})

describe('query: parameters SigV4 reserves for presigned URLs', () => {
  const RESERVED = [
    'X-Amz-Signature',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Algorithm',
    'X-Amz-SignedHeaders',
    'X-Amz-Security-Token',
  ]
  for (const name of RESERVED) {
    for (const spelt of [name, name.toLowerCase(), name.toUpperCase()]) {
      it(`refuses ${spelt}, naming it and never its value (canonical form and parameters)`, () => {
        for (const parse of [canonicalQuery, queryParameters]) {
          const err = (() => {
            try {
              parse(`pretty=true&${encodeURIComponent(spelt)}=SECRETVALUE`)
            } catch (e) {
              return e
            }
            return undefined
          })()
          expect(err).to.be.instanceOf(AwsSigV4RequestError)
          const message = (err as Error).message
          expect(message).to.include(`"${spelt}"`)
          expect(message).to.include('Nothing was sent')
          expect(message).not.to.include('SECRETVALUE')
        }
      })
    }
  }

  it('refuses a reserved name that arrives percent-encoded or without a value', () => {
    for (const parse of [canonicalQuery, queryParameters]) {
      expect(() => parse('X%2DAmz%2DDate=1')).to.throw(AwsSigV4RequestError, /X-Amz-Date/)
      expect(() => parse('x-amz-signature')).to.throw(AwsSigV4RequestError)
    }
  })

  it('keeps names that only look alike', () => {
    const canonical = canonicalQuery('X-Amz-Dates=1&amz-date=2&X-Amz-Meta=3')
    expect(canonical).to.equal('X-Amz-Dates=1&X-Amz-Meta=3&amz-date=2')
  })
})

describe('query: parameters for smithy', () => {
  it('decodes into a bag without a prototype; a repeated key maps to its values in order', () => {
    const parameters = queryParameters('b=2&a=&c=z&c=a&pretty&constructor=1')
    expect(Object.getPrototypeOf(parameters)).to.equal(null)
    expect({ ...parameters }).to.deep.equal({
      b: '2',
      a: '',
      c: ['z', 'a'],
      pretty: '',
      constructor: '1',
    })
  })

  it('refuses __proto__, in either form', () => {
    for (const parse of [canonicalQuery, queryParameters]) {
      expect(() => parse('a=1&__proto__=x')).to.throw(AwsSigV4RequestError, /__proto__/)
      expect(() => parse('%5F_proto__')).to.throw(AwsSigV4RequestError, /__proto__/)
    }
  })
})

describe('query: written out vs smithy, fuzzed query strings', () => {
  const seed = fuzzSeed()
  const runs = 5000

  it(`${runs} query strings (seed ${seed}): the canonical form smithy gives from the decoded parameters, or the same error`, () => {
    const stats = newStats()
    fc.assert(queryProperty(stats), { seed, numRuns: runs })
    expect(stats.runs).to.equal(runs)
    // Refusals (__proto__, presigned-URL names) and lone surrogates were among them.
    expect(stats.errors).to.be.greaterThan(runs / 100)
  })
})

describe('query: as sent and as signed', () => {
  it("sends the caller's order (a repeated key's last value wins at the server), signs it sorted", () => {
    expect(encodedQuery('size=5&size=10&a=b+c')).to.deep.equal({
      sent: 'size=5&size=10&a=b%20c',
      canonical: 'a=b%20c&size=10&size=5',
    })
  })

  it('encodes each pair as the canonical query does, whatever the order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 8 }), (entries) => {
        const raw = entries
          .filter(([key]) => key !== '__proto__' && !/^x-amz-/i.test(key))
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
          .join('&')
        const { sent, canonical } = encodedQuery(raw)
        // The receiver canonicalises what arrives: the sent query gives the one signed.
        expect(canonicalQuery(sent)).to.equal(canonical)
        expect(canonical).to.equal(canonicalQuery(raw))
      }),
      { seed: fuzzSeed(), numRuns: 300 },
    )
  })
})
