import { expect } from 'chai'
import {
  LOCAL_PRODUCT_CHECK_INFO,
  answerProductCheck,
  isProductCheck,
  withProductHeader,
} from '../../lib/connection/product-check'

/** What the emulator's engines and real servers answer to `GET /` (version parts that matter). */
const AMAZON_ES_710 = {
  name: 'node',
  version: { number: '7.10.2', build_flavor: 'oss', build_type: 'tar', lucene_version: '8.7.0' },
  tagline: 'You Know, for Search',
}
const OPENSEARCH_COMPAT = {
  name: 'node',
  version: { number: '7.10.2', build_type: 'tar', lucene_version: '9.10.0' },
  tagline: 'The OpenSearch Project: https://opensearch.org/',
}
const OPENSEARCH_2 = {
  name: 'node',
  version: { distribution: 'opensearch', number: '2.13.0', build_type: 'tar' },
  tagline: 'The OpenSearch Project: https://opensearch.org/',
}

describe('product-check: telling the 7.14+ product check from client.info()', () => {
  it('the transport sends its check as GET / with no body key', () => {
    expect(isProductCheck({ method: 'GET', path: '/' })).to.equal(true)
    // As the transport hands it over, after adding headers, query and timeout.
    expect(
      isProductCheck({ method: 'GET', path: '/', headers: {}, querystring: '', timeout: 30000 }),
    ).to.equal(true)
  })

  it('client.info() sends body: null, and other requests are other paths or methods', () => {
    expect(isProductCheck({ method: 'GET', path: '/', body: null, querystring: '' })).to.equal(
      false,
    )
    expect(isProductCheck({ method: 'HEAD', path: '/' })).to.equal(false)
    expect(isProductCheck({ method: 'GET', path: '/_cluster/health' })).to.equal(false)
  })
})

describe('product-check: the answer the 7.14+ client is to see', () => {
  it('Amazon Elasticsearch 7.10 (oss): only build_flavor becomes "default"; the version stays', () => {
    const answer = answerProductCheck(AMAZON_ES_710)
    expect(answer).to.deep.equal({
      kind: 'adapted',
      info: { ...AMAZON_ES_710, version: { ...AMAZON_ES_710.version, build_flavor: 'default' } },
    })
  })

  it('OpenSearch in compatibility mode (7.10.2): build_flavor and tagline, nothing else', () => {
    const answer = answerProductCheck(OPENSEARCH_COMPAT)
    expect(answer).to.deep.equal({
      kind: 'adapted',
      info: {
        ...OPENSEARCH_COMPAT,
        version: { ...OPENSEARCH_COMPAT.version, build_flavor: 'default' },
        tagline: 'You Know, for Search',
      },
    })
  })

  it('never modifies the parsed body it is given', () => {
    const info = structuredClone(AMAZON_ES_710)
    answerProductCheck(info)
    expect(info).to.deep.equal(AMAZON_ES_710)
  })

  it('OpenSearch reporting its own version is unsupported, named as it reports itself', () => {
    expect(answerProductCheck(OPENSEARCH_2)).to.deep.equal({
      kind: 'unsupported',
      engine: 'OpenSearch 2.13.0',
    })
    const os1 = { version: { number: '1.3.19' }, tagline: OPENSEARCH_2.tagline }
    expect(answerProductCheck(os1)).to.deep.equal({
      kind: 'unsupported',
      engine: 'OpenSearch 1.3.19',
    })
  })

  it('leaves alone what passes already or is not a 7.0-7.13 version', () => {
    const asIs = [
      { version: { number: '7.10.2', build_flavor: 'default' }, tagline: 'You Know, for Search' },
      { version: { number: '7.17.0', build_flavor: 'default' }, tagline: 'You Know, for Search' },
      { version: { number: '8.15.0', build_flavor: 'default' }, tagline: 'You Know, for Search' },
      { version: { number: '6.8.23', build_flavor: 'oss' }, tagline: 'You Know, for Search' },
      { version: { number: 7 } },
      { error: 'not found' },
      { version: null },
    ]
    for (const info of asIs)
      expect(answerProductCheck(info), JSON.stringify(info)).to.deep.equal({ kind: 'as-is' })
  })

  it('answers a service without GET / with what the check reads, and nothing else', () => {
    expect(LOCAL_PRODUCT_CHECK_INFO).to.deep.equal({
      version: { number: '7.10.2', build_flavor: 'default' },
      tagline: 'You Know, for Search',
    })
    expect(answerProductCheck({ ...LOCAL_PRODUCT_CHECK_INFO })).to.deep.equal({ kind: 'as-is' })
    expect(Object.isFrozen(LOCAL_PRODUCT_CHECK_INFO)).to.equal(true)
  })
})

describe('product-check: the 8.x/9.x product header', () => {
  it('adds the product header only where it is missing', () => {
    const bare = { statusCode: 200, headers: {}, body: '{}' }
    expect(withProductHeader(bare).headers['x-elastic-product']).to.equal('Elasticsearch')
    const own = { ...bare, headers: { 'x-elastic-product': 'Other' } }
    expect(withProductHeader(own)).to.equal(own)
  })

  it("keeps every header of the response in a copy, the base's object unchanged", () => {
    const headers = { 'content-type': 'application/json', date: 'Mon, 07 Dec 2026 05:00:00 GMT' }
    const response = { statusCode: 200, headers, body: '{}', warnings: null }
    const out = withProductHeader(response)
    expect(out.headers).to.deep.equal({ ...headers, 'x-elastic-product': 'Elasticsearch' })
    expect(Object.keys(out.headers)).to.deep.equal(['content-type', 'date', 'x-elastic-product'])
    expect(out).to.deep.include({ statusCode: 200, body: '{}', warnings: null })
    expect(headers).to.not.have.property('x-elastic-product')
    expect(response.headers).to.equal(headers)
  })

  it('keeps a header named __proto__ as a header, not as the prototype', () => {
    // As a null-prototype header object (Node's own) can hold it.
    const headers = Object.assign(Object.create(null) as Record<string, string>, { a: '1' })
    Object.defineProperty(headers, '__proto__', {
      value: 'x',
      enumerable: true,
      writable: true,
      configurable: true,
    })
    const out = withProductHeader({ statusCode: 200, headers, body: '{}' })
    expect(Object.getPrototypeOf(out.headers)).to.equal(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(out.headers, '__proto__')?.value).to.equal('x')
    expect(out.headers.a).to.equal('1')
    expect(out.headers['x-elastic-product']).to.equal('Elasticsearch')
  })
})
