import { expect } from 'chai'
import { bodyText, parseJsonObject } from '../../lib/common/body'

describe('body: response bodies as text', () => {
  it('reads strings as they are and Buffers as UTF-8', () => {
    expect(bodyText('{"message":"x"}')).to.equal('{"message":"x"}')
    expect(bodyText(Buffer.from('héllo', 'utf8'))).to.equal('héllo')
    expect(bodyText('')).to.equal('')
  })

  it('has no text for anything else (parsed objects, streams, nothing)', () => {
    expect(bodyText({ message: 'x' })).to.equal(undefined)
    expect(bodyText(undefined)).to.equal(undefined)
    expect(bodyText(null)).to.equal(undefined)
    expect(bodyText(new Uint8Array([104, 105]))).to.equal(undefined)
  })
})

describe('body: parseJsonObject', () => {
  it('parses objects only', () => {
    expect(parseJsonObject('{"a":1}')).to.deep.equal({ a: 1 })
    expect(parseJsonObject('[1]')).to.equal(undefined)
    expect(parseJsonObject('null')).to.equal(undefined)
    expect(parseJsonObject('"text"')).to.equal(undefined)
    expect(parseJsonObject('not json')).to.equal(undefined)
  })
})
