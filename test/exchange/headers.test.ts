import { expect } from 'chai'
import { headerString, mergeHeaders } from '../../lib/exchange/headers'
import { AwsSigV4RequestError } from '../../lib/errors'

describe('headers: merge for signing', () => {
  it('merges into a new object, lower-cases names, stringifies numbers', () => {
    const connection = { 'User-Agent': 'ua', accept: 'a' }
    const request = { 'Content-Length': 15, accept: 'b' } as unknown as Record<string, string>
    const merged = mergeHeaders(connection, request)
    expect(merged).to.deep.equal({ 'user-agent': 'ua', accept: 'b', 'content-length': '15' })
    expect(connection).to.deep.equal({ 'User-Agent': 'ua', accept: 'a' })
    expect(request).to.deep.equal({ 'Content-Length': 15, accept: 'b' })
  })

  it('drops headers that SigV4 owns, so stale values never go out', () => {
    const merged = mergeHeaders({
      authorization: 'Basic abc',
      'X-Amz-Date': '20000101T000000Z',
      'x-amz-security-token': 'old',
      'x-amz-content-sha256': 'x',
      host: 'elsewhere',
      'content-type': 'application/json',
    })
    expect(merged).to.deep.equal({ 'content-type': 'application/json' })
  })

  it('rejects a value that is neither string nor number, naming the header', () => {
    expect(() => mergeHeaders({ 'x-custom': { a: 1 } } as unknown as Record<string, string>))
      .to.throw(AwsSigV4RequestError)
      .with.property('message')
      .that.matches(/"x-custom".*object.*Nothing was sent/)
  })

  it('joins repeated values with commas for signing', () => {
    expect(headerString(['a', 'b'])).to.equal('a,b')
    expect(headerString('a')).to.equal('a')
    expect(headerString(undefined)).to.equal(undefined)
  })
})
