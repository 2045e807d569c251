import { expect } from 'chai'
import { canonicalPath } from '../../lib/sigv4/canonical-path'

describe('canonical-path', () => {
  it('encodes a path as sent once more: % of the client encoding becomes %25', () => {
    expect(canonicalPath('/events/_doc/a%2Fb%20c')).to.equal('/events/_doc/a%252Fb%2520c')
    expect(canonicalPath('/a-b_c.d~e/')).to.equal('/a-b_c.d~e/')
    expect(canonicalPath('/')).to.equal('/')
  })

  it('encodes raw characters (UTF-8), keeping the slashes', () => {
    expect(canonicalPath("/a b/é/!'()*")).to.equal('/a%20b/%C3%A9/%21%27%28%29%2A')
  })

  it('drops empty and . segments, lets .. take the one before, keeps a trailing slash', () => {
    expect(canonicalPath('//a//b/')).to.equal('/a/b/')
    expect(canonicalPath('/a/./b/.')).to.equal('/a/b')
    expect(canonicalPath('/a/b/../c')).to.equal('/a/c')
    expect(canonicalPath('/..')).to.equal('/')
    expect(canonicalPath('/a/..')).to.equal('/')
    expect(canonicalPath('/a/../')).to.equal('/')
    expect(canonicalPath('/a/%2E%2E/b')).to.equal('/a/%252E%252E/b')
  })

  it('keeps a path without a leading slash without one', () => {
    expect(canonicalPath('a/b')).to.equal('a/b')
    expect(canonicalPath('')).to.equal('')
  })
})
