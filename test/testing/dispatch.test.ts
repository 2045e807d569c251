import { expect } from 'chai'
import { answerFromStore } from '../../lib/testing/dispatch'
import { MemoryStore } from '../../lib/testing/store/memory-store'
import { serviceFor } from '../../lib/aws/services'

describe('emulator dispatch: from the request to the store', () => {
  const request = (path: string, extra: { rawHeaders?: string[]; body?: Buffer } = {}) => ({
    method: 'GET',
    path,
    query: '',
    rawHeaders: extra.rawHeaders ?? [],
    body: extra.body ?? Buffer.alloc(0),
  })

  it('answers GET / from the store where the service has cluster info', () => {
    const response = answerFromStore(new MemoryStore(), serviceFor('es'), request('/'))
    expect(response.status).to.equal(200)
    expect(response.body).to.have.nested.property('version.distribution', 'opensearch')
  })

  it('has no GET / for a service without cluster info (Serverless)', () => {
    const response = answerFromStore(new MemoryStore(), serviceFor('aoss'), request('/'))
    expect(response.status).to.equal(404)
    expect(response.body).to.have.nested.property(
      'error.reason',
      'GET / is not supported by OpenSearch Serverless',
    )
  })

  it('refuses a bad percent-escape in the path and a body that does not decompress', () => {
    const es = serviceFor('es')
    expect(answerFromStore(new MemoryStore(), es, request('/idx/_doc/%zz')).status).to.equal(400)
    const corrupt = request('/idx/_doc/1', {
      rawHeaders: ['content-encoding', 'gzip'],
      body: Buffer.from('x'),
    })
    expect(answerFromStore(new MemoryStore(), es, corrupt).body).to.have.nested.property(
      'error.type',
      'parse_exception',
    )
  })
})
