import { expect } from 'chai'
import { infoBody, withDocType } from '../../../lib/testing/store/engines'

const CLUSTER = { name: 'c', uuid: 'u' }

describe('emulator engines: what each answers to GET /', () => {
  it('OpenSearch 2.x reports its own version and distribution', () => {
    const info = infoBody('opensearch', CLUSTER)
    expect(info.version).to.include({ distribution: 'opensearch', number: '2.19.6' })
    expect(info.tagline).to.equal('The OpenSearch Project: https://opensearch.org/')
  })

  it('OpenSearch in compatibility mode reports 7.10.2, with no distribution or build flavour', () => {
    const info = infoBody('opensearch-compat', CLUSTER)
    const version = info.version as Record<string, unknown>
    expect(version.number).to.equal('7.10.2')
    expect(version).not.to.have.property('distribution')
    expect(version).not.to.have.property('build_flavor')
    expect(version.lucene_version).to.equal('9.12.3')
    expect(info.tagline).to.equal('The OpenSearch Project: https://opensearch.org/')
  })

  it("Amazon's Elasticsearch 7.10 is the OSS build", () => {
    const info = infoBody('elasticsearch7', CLUSTER)
    expect(info.version).to.include({ number: '7.10.2', build_flavor: 'oss' })
    expect(info.tagline).to.equal('You Know, for Search')
  })

  it('only Elasticsearch 7 names the mapping type in document responses', () => {
    expect(withDocType('opensearch-compat', { _index: 'i', _id: '1' })).to.deep.equal({
      _index: 'i',
      _id: '1',
    })
    expect(withDocType('elasticsearch7', { _index: 'i', _id: '1' })).to.deep.equal({
      _index: 'i',
      _type: '_doc',
      _id: '1',
    })
  })
})
