import { expect } from 'chai'
import { gzipSync } from 'node:zlib'
import { answerFromStore } from '../../lib/testing/dispatch'
import { MemoryStore } from '../../lib/testing/store/memory-store'
import { serviceFor } from '../../lib/aws/services'

describe('emulator dispatch: from the request to the store', () => {
  const MAX = 1024 * 1024
  const request = (path: string, extra: { rawHeaders?: string[]; body?: Buffer } = {}) => ({
    method: 'GET',
    path,
    query: '',
    rawHeaders: extra.rawHeaders ?? [],
    body: extra.body ?? Buffer.alloc(0),
  })

  it('answers GET / from the store where the service has cluster info', async () => {
    const response = await answerFromStore(new MemoryStore(), serviceFor('es'), request('/'), MAX)
    expect(response.status).to.equal(200)
    expect(response.body).to.have.nested.property('version.distribution', 'opensearch')
  })

  it('has no GET / for a service without cluster info (Serverless)', async () => {
    const response = await answerFromStore(new MemoryStore(), serviceFor('aoss'), request('/'), MAX)
    expect(response.status).to.equal(404)
    expect(response.body).to.have.nested.property(
      'error.reason',
      'GET / is not supported by OpenSearch Serverless',
    )
  })

  it('refuses a bad percent-escape in the path and a body that does not decompress', async () => {
    const es = serviceFor('es')
    const badPath = await answerFromStore(new MemoryStore(), es, request('/idx/_doc/%zz'), MAX)
    expect(badPath.status).to.equal(400)
    const corrupt = request('/idx/_doc/1', {
      rawHeaders: ['content-encoding', 'gzip'],
      body: Buffer.from('x'),
    })
    expect(
      (await answerFromStore(new MemoryStore(), es, corrupt, MAX)).body,
    ).to.have.nested.property('error.type', 'parse_exception')
  })

  it('decompresses a body only up to maxBodyBytes: a gzip bomb is a 413, the store untouched', async () => {
    const store = new MemoryStore()
    const es = serviceFor('es')
    // 64 KiB on the wire, 64 MiB of JSON-ish bytes once inflated.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '))
    const arrived = {
      ...request('/bomb/_doc/1', { rawHeaders: ['content-encoding', 'gzip'], body: bomb }),
      method: 'PUT',
    }
    const before = process.memoryUsage().rss
    const response = await answerFromStore(store, es, arrived, MAX)
    expect(response.status).to.equal(413)
    expect(response.body).to.have.nested.property(
      'error.reason',
      `request body decompresses to more than ${MAX} bytes (the emulator's maxBodyBytes)`,
    )
    expect(process.memoryUsage().rss - before).to.be.below(32 * 1024 * 1024)
    expect((await answerFromStore(store, es, request('/bomb'), MAX)).status).to.equal(404)
    // Within the cap, the same body compressed is decoded and stored.
    const small = gzipSync(JSON.stringify({ n: 1 }))
    const stored = await answerFromStore(
      store,
      es,
      {
        ...request('/ok/_doc/1', {
          rawHeaders: ['content-encoding', 'gzip', 'content-type', 'application/json'],
          body: small,
        }),
        method: 'PUT',
      },
      MAX,
    )
    expect(stored.status).to.equal(201)
  })
})
