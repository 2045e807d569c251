import { expect } from 'chai'
import { isRead, readOnlyReason } from '../../../lib/cli/proxy/read-only'

describe('proxy --read-only: which requests are reads', () => {
  const reads: Array<[string, string]> = [
    ['GET', '/'],
    ['HEAD', '/idx/_doc/1'],
    ['GET', '/idx/_doc/1'],
    ['GET', '/_cat/indices'],
    ['POST', '/_search'],
    ['POST', '/idx/_search'],
    ['POST', '/logs-*,other/_search'],
    ['POST', '/_all/_search'],
    ['POST', '/%5Fsearch'],
    ['POST', '/idx/_msearch'],
    ['POST', '/_msearch'],
    ['POST', '/idx/_search/template'],
    ['POST', '/_msearch/template'],
    ['POST', '/idx/_count'],
    ['POST', '/_mget'],
    ['POST', '/idx/_mget'],
    ['POST', '/idx/_field_caps'],
    ['POST', '/idx/_validate/query'],
    ['POST', '/idx/_explain/_odd-id'],
    ['POST', '/_search/scroll'],
    ['POST', '/_search/scroll/_c2Nyb2xs'],
    ['DELETE', '/_search/scroll'],
    ['DELETE', '/_search/scroll/abc'],
    ['POST', '/idx/_pit'],
    ['DELETE', '/_pit'],
    ['POST', '/idx/_search/point_in_time'],
    ['DELETE', '/_search/point_in_time'],
    ['DELETE', '/_search/point_in_time/_all'],
    ['post', '/_search'],
  ]
  for (const [method, path] of reads) {
    it(`passes ${method} ${path}`, () => expect(isRead(method, path)).to.equal(true))
  }

  const writes: Array<[string, string, string]> = [
    ['PUT', '/idx/_doc/1', 'a document'],
    ['POST', '/idx/_doc', 'a document, id generated'],
    ['POST', '/idx/_doc/_search', "on OpenSearch a document whose id is '_search'"],
    ['POST', '/idx/type/_search', 'a typed path, the same shape as a write elsewhere'],
    ['POST', '/idx/_doc/_count', 'the same trick'],
    ['DELETE', '/idx', 'an index'],
    ['DELETE', '/idx/_doc/1', 'a document'],
    ['POST', '/_bulk', 'bulk'],
    ['POST', '/idx/_update/1', 'update'],
    ['POST', '/idx/_delete_by_query', 'delete by query'],
    ['POST', '/idx/_update_by_query', 'update by query'],
    ['POST', '/_reindex', 'reindex'],
    ['PUT', '/idx', 'an index created'],
    ['PUT', '/_cluster/settings', 'cluster settings'],
    ['POST', '/_search/', 'a trailing slash (an empty segment)'],
    ['POST', '//_search', 'an empty index segment'],
    ['POST', '/_doc/_search', 'an index name that cannot be'],
    ['POST', '/idx/_search/extra', 'more segments'],
    ['PATCH', '/_search', 'a method no read uses'],
    ['POST', '/idx/%zz/_search', 'a segment that does not decode'],
    ['DELETE', '/idx/_pit', 'closing with an index'],
    ['POST', '/idx/_explain', 'explain without an id'],
  ]
  for (const [method, path, why] of writes) {
    it(`refuses ${method} ${path} (${why})`, () => expect(isRead(method, path)).to.equal(false))
  }

  it('the reason names the request, says nothing was sent and how to write', () => {
    const reason = readOnlyReason('put', '/idx/_doc/1')
    expect(reason).to.include('PUT /idx/_doc/1')
    expect(reason).to.include('Nothing was sent')
    expect(reason).to.include('without --read-only')
  })
})
