import { expect } from 'chai'
import { mediaTypeProblem } from '../../lib/testing/media-types'

const AMAZON = { vendorTypes: false, rejectVendorAccept: false }
const ELASTIC = { vendorTypes: true, rejectVendorAccept: false }
const VENDOR = 'application/vnd.elasticsearch+json; compatible-with=9'
const BODY = Buffer.from('{}')

describe('emulator media types: what each engine accepts', () => {
  it('takes plain JSON and NDJSON with a body, and anything without one', () => {
    for (const type of ['application/json', 'application/x-ndjson; charset=utf-8']) {
      expect(mediaTypeProblem(['Content-Type', type], BODY, AMAZON), type).to.equal(undefined)
    }
    expect(mediaTypeProblem(['Content-Type', 'text/plain'], Buffer.alloc(0), AMAZON)).to.equal(
      undefined,
    )
  })

  it("answers 406 for Elastic's vendor types on an Amazon engine, as OpenSearch does", () => {
    expect(mediaTypeProblem(['content-type', VENDOR], BODY, AMAZON)).to.deep.equal({
      status: 406,
      body: { error: `Content-Type header [${VENDOR}] is not supported`, status: 406 },
    })
    expect(mediaTypeProblem(['content-type', VENDOR], BODY, ELASTIC)).to.equal(undefined)
  })

  it('refuses a body without Content-Type, or with two', () => {
    expect(mediaTypeProblem([], BODY, ELASTIC)?.body).to.deep.include({
      error: 'Content-Type header is missing',
    })
    const two = ['content-type', 'application/json', 'Content-Type', 'application/json']
    expect(mediaTypeProblem(two, BODY, ELASTIC)?.status).to.equal(406)
  })

  it('checks Accept only when asked to', () => {
    expect(mediaTypeProblem(['accept', VENDOR], Buffer.alloc(0), AMAZON)).to.equal(undefined)
    const strict = { vendorTypes: false, rejectVendorAccept: true }
    expect(mediaTypeProblem(['accept', VENDOR], Buffer.alloc(0), strict)?.body).to.deep.include({
      error: `Accept header [${VENDOR}] is not supported`,
    })
  })
})
