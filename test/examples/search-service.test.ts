import { expect } from 'chai'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import type { Client } from '@elastic/elasticsearch'
import { startEmulator, type Emulator } from '../../lib/testing'
import {
  createClient,
  createSearchServer,
  type SearchResult,
} from '../../examples/search-service/server'
import { AWS_ENV_NAMES, setEnv } from './support'

const CREDS = { accessKeyId: 'AKIDSEARCHEXAMPLE', secretAccessKey: 'search/secret+key' }
const REGION = 'us-west-2'

describe('examples/search-service', function () {
  this.timeout(30_000)
  let emu: Emulator
  let client: Client
  let server: Server
  let base: string
  let restoreEnv: () => void
  let logged: string[]

  before(async () => {
    emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es' })
    // Configured from the environment only, as it would be in a container.
    restoreEnv = setEnv({
      ...Object.fromEntries(AWS_ENV_NAMES.map((name) => [name, undefined])),
      ES_NODE: emu.url,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
    })
    client = createClient()
    await client.bulk({
      index: 'products',
      refresh: true,
      operations: [
        { index: { _id: 'p1' } },
        { name: 'blue kettle', color: 'blue' },
        { index: { _id: 'p2' } },
        { name: 'red kettle', color: 'red' },
        { index: { _id: 'p3' } },
        { name: 'blue mug', color: 'blue' },
      ],
    })
    server = createSearchServer({
      client,
      index: 'products',
      maxSize: 50,
      log: (message) => logged.push(message),
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(async () => {
    await new Promise((resolve) => server.close(resolve))
    await client.close()
    await emu.close()
    restoreEnv()
  })
  beforeEach(() => {
    logged = []
    emu.clearVerdicts()
  })

  async function get(
    path: string,
    init?: RequestInit,
  ): Promise<{ status: number; body: SearchResult & { error?: string } }> {
    const res = await fetch(base + path, init)
    return { status: res.status, body: (await res.json()) as SearchResult & { error?: string } }
  }

  it('GET /search?q= answers the matching documents, through signed requests', async () => {
    const { status, body } = await get('/search?q=kettle')
    expect(status).to.equal(200)
    const result = body
    expect(result.query).to.equal('kettle')
    expect(result.total).to.equal(2)
    expect(result.hits.map((h) => h.id).sort()).to.deep.equal(['p1', 'p2'])
    expect(result.hits.find((h) => h.id === 'p1')?.source).to.deep.equal({
      name: 'blue kettle',
      color: 'blue',
    })
    expect(emu.verdicts).to.have.length(1)
    expect(emu.verdicts[0]).to.include({ ok: true, path: '/products/_search', status: 200 })
  })

  it('every word must match; size limits the hits, not the total', async () => {
    const both = await get('/search?q=' + encodeURIComponent('blue kettle'))
    expect(both.body.total).to.equal(1)
    expect(both.body.hits[0].id).to.equal('p1')
    const one = await get('/search?q=blue&size=1')
    expect(one.body.total).to.equal(2)
    expect(one.body.hits).to.have.length(1)
    const none = await get('/search?q=teapot')
    expect(none).to.deep.include({ status: 200 })
    expect(none.body).to.deep.include({ total: 0, hits: [] })
    for (const v of emu.verdicts) expect(v.ok).to.equal(true)
  })

  it('refuses bad requests without calling the cluster', async () => {
    expect((await get('/search')).status).to.equal(400)
    expect((await get('/search?q=%20')).status).to.equal(400)
    expect((await get('/search?q=a&size=51')).status).to.equal(400)
    expect((await get('/search?q=a&size=-1')).status).to.equal(400)
    expect((await get('/search?q=a', { method: 'POST' })).status).to.equal(405)
    expect((await get('/elsewhere')).status).to.equal(404)
    expect(emu.verdicts).to.have.length(0)
  })

  it('answers 502 when the search fails, logging the cause and not leaking it', async () => {
    const stop = emu.onRequest(() => ({
      status: 500,
      body: { error: { type: 'internal_error', reason: 'secret cluster detail' }, status: 500 },
    }))
    try {
      const { status, body } = await get('/search?q=kettle')
      expect(status).to.equal(502)
      expect(JSON.stringify(body)).not.to.contain('secret cluster detail')
      expect(logged).to.deep.equal(['search failed'])
    } finally {
      stop()
    }
  })
})
