import { expect } from 'chai'
import { bodyText } from '../../lib/exchange/types'

describe('transport: response bodies as text', () => {
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
