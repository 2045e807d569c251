import { expect } from 'chai'
import { uriEscape } from '../../lib/sigv4/uri-escape'

describe('uri-escape: RFC 3986 percent-encoding', () => {
  it('returns text of unreserved characters as it is', () => {
    const unreserved = 'ABCXYZabcxyz0189-._~'
    expect(uriEscape(unreserved)).to.equal(unreserved)
    expect(uriEscape('')).to.equal('')
  })

  it("encodes what encodeURIComponent leaves raw: ! ' ( ) *", () => {
    expect(uriEscape("!'()*")).to.equal('%21%27%28%29%2A')
  })

  it('encodes every reserved character, space as %20, with upper-case hex', () => {
    expect(uriEscape(':/?#[]@$&+,;= %')).to.equal('%3A%2F%3F%23%5B%5D%40%24%26%2B%2C%3B%3D%20%25')
    expect(uriEscape('\u007f')).to.equal('%7F')
  })

  it('encodes text as UTF-8', () => {
    expect(uriEscape('é日😀')).to.equal('%C3%A9%E6%97%A5%F0%9F%98%80')
  })

  it('refuses a lone surrogate, which has no UTF-8 form', () => {
    expect(() => uriEscape('a\ud800')).to.throw(URIError)
  })
})
