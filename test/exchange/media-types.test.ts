import { expect } from 'chai'
import { plainMediaTypes, withPlainMediaTypes } from '../../lib/exchange/media-types'

describe('compat: media types for Amazon-managed engines', () => {
  it('turns the 8.x and 9.x vendor types into plain JSON and NDJSON', () => {
    expect(plainMediaTypes('application/vnd.elasticsearch+json; compatible-with=8')).to.equal(
      'application/json',
    )
    expect(plainMediaTypes('application/vnd.elasticsearch+x-ndjson; compatible-with=9')).to.equal(
      'application/x-ndjson',
    )
    expect(
      plainMediaTypes('application/vnd.elasticsearch+json; compatible-with=9,text/plain'),
    ).to.equal('application/json,text/plain')
  })

  it('leaves other media types alone', () => {
    expect(plainMediaTypes('text/plain')).to.equal('text/plain')
    expect(plainMediaTypes('application/json')).to.equal('application/json')
  })

  it('copies the headers, changing only content-type and accept', () => {
    const headers = {
      'content-type': 'application/vnd.elasticsearch+json; compatible-with=9',
      accept: 'application/vnd.elasticsearch+json; compatible-with=9',
      'x-other': 'application/vnd.elasticsearch+json; compatible-with=9',
    }
    const out = withPlainMediaTypes(headers)
    expect(out).to.deep.equal({
      'content-type': 'application/json',
      accept: 'application/json',
      'x-other': 'application/vnd.elasticsearch+json; compatible-with=9',
    })
    expect(headers['content-type']).to.include('vnd')
  })
})

describe('compat: the same vendor types, again and again', () => {
  it('gives the same answer for a value seen before, and for more values than are kept', () => {
    const values = Array.from(
      { length: 100 },
      (_, i) => `application/vnd.elasticsearch+json; compatible-with=${i},text/x-${i}`,
    )
    for (let round = 0; round < 2; round++) {
      for (const [i, value] of values.entries()) {
        expect(plainMediaTypes(value)).to.equal(`application/json,text/x-${i}`)
      }
    }
  })
})
