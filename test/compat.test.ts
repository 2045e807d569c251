import { expect } from 'chai'
import { plainMediaTypes, withPlainMediaTypes } from '../lib/compat'

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
