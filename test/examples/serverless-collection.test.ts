import { expect } from 'chai'
import type { Client } from '@elastic/elasticsearch'
import { createAwsSigV4Connection } from '../../lib'
import { startEmulator, type Emulator } from '../../lib/testing'
import {
  createClient,
  indexDocuments,
  runDemo,
} from '../../examples/serverless-collection/collection'
import { AWS_ENV_NAMES, failBulkItems, setEnv } from './support'

const CREDS = {
  accessKeyId: 'AKIDAOSSEXAMPLE',
  secretAccessKey: 'aoss/secret+key',
  sessionToken: 'aoss-session-token',
}
const REGION = 'ap-northeast-1'

describe('examples/serverless-collection', function () {
  this.timeout(30_000)
  let emu: Emulator
  let client: Client
  let restoreEnv: () => void

  before(async () => {
    emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'aoss' })
    restoreEnv = setEnv({
      ...Object.fromEntries(AWS_ENV_NAMES.map((name) => [name, undefined])),
      ES_NODE: emu.url,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
      AWS_SESSION_TOKEN: CREDS.sessionToken,
    })
    client = createClient()
  })
  after(async () => {
    await client.close()
    await emu.close()
    restoreEnv()
  })
  beforeEach(() => {
    emu.store.reset()
    emu.clearVerdicts()
  })

  it('creates the index, ingests, waits until searchable and searches, under Serverless rules', async () => {
    const result = await runDemo(client, 'events', { intervalMs: 10 })
    expect(result).to.deep.include({ indexed: 3, failed: [], searchable: 3 })
    expect(result.kettleHits).to.deep.equal(['blue kettle', 'red kettle'])
    expect(emu.store.documentCount('events')).to.equal(3)
    expect(emu.store.indexNames()).to.deep.equal(['events'])

    const paths = emu.verdicts.map((v) => `${v.method} ${v.path}`)
    expect(paths).to.include.members([
      'HEAD /events',
      'PUT /events',
      'POST /_bulk',
      'POST /events/_count',
      'POST /events/_search',
    ])
    expect(paths).not.to.include('GET /')
    for (const v of emu.verdicts) {
      expect(v, `${v.method} ${v.path}`).to.include({ ok: true, accessKeyId: CREDS.accessKeyId })
      expect(v.signedHeaders).to.include('x-amz-content-sha256')
      // HEAD /events is the existence check: 404 before the index is created.
      if (v.method !== 'HEAD') expect(v.status, `${v.method} ${v.path}`).to.be.below(300)
    }
  })

  it('a second run counts only its own documents', async () => {
    await runDemo(client, 'events', { intervalMs: 10 })
    const second = await runDemo(client, 'events', { intervalMs: 10 })
    expect(second).to.deep.include({ indexed: 3, searchable: 3 })
    expect(second.kettleHits).to.have.length(2)
    expect(emu.store.documentCount('events')).to.equal(6)
  })

  it('returns the documents the collection refused', async () => {
    const stop = failBulkItems(emu, (_id, _attempt, source) =>
      source.n === 2
        ? { status: 400, type: 'mapper_parsing_exception', reason: 'failed to parse [n]' }
        : undefined,
    )
    try {
      const result = await indexDocuments(client, 'events', [{ n: 1 }, { n: 2 }, { n: 3 }])
      expect(result.indexed).to.equal(2)
      expect(result.failed).to.deep.equal([
        { status: 400, error: 'mapper_parsing_exception', reason: 'failed to parse [n]' },
      ])
      expect(emu.store.documentCount('events')).to.equal(2)
    } finally {
      stop()
    }
  })

  it('why the example never calls info(), and why it signs for aoss', async () => {
    // Serverless has no GET /.
    const info = await client.info().then(
      () => undefined,
      (err: { meta?: { statusCode?: number } }) => err,
    )
    expect(info?.meta?.statusCode).to.equal(404)
    // Signed for `es` instead, every request is refused.
    const wrong = new (client.constructor as typeof Client)({
      node: emu.url,
      Connection: createAwsSigV4Connection({ service: 'es', credentials: CREDS }),
    })
    try {
      const err = await wrong.count({ index: 'events' }).then(
        () => undefined,
        (e: { meta?: { statusCode?: number } }) => e,
      )
      expect(err?.meta?.statusCode).to.equal(403)
    } finally {
      await wrong.close()
    }
  })
})
