import { expect } from 'chai'
import { startEmulator, type Emulator } from '../../lib/testing'
import {
  closeSharedClient,
  createClient,
  getSharedClient,
  handler,
  ingestSqsBatch,
  roundsByDocumentId,
  type SqsEvent,
} from '../../examples/lambda-ingest/handler'
import type { Client } from '@elastic/elasticsearch'
import { AWS_ENV_NAMES, failBulkItems, setEnv } from './support'

const CREDS = {
  accessKeyId: 'AKIDLAMBDAEXAMPLE',
  secretAccessKey: 'lambda/secret+key',
  sessionToken: 'lambda-session-token',
}
const REGION = 'eu-central-1'

function sqsEvent(bodies: Array<[messageId: string, body: unknown]>): SqsEvent {
  return {
    Records: bodies.map(([messageId, body]) => ({
      messageId,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      eventSource: 'aws:sqs',
    })),
  }
}

function failedIds(response: { batchItemFailures: Array<{ itemIdentifier: string }> }): string[] {
  return response.batchItemFailures.map((f) => f.itemIdentifier).sort()
}

describe('examples/lambda-ingest', function () {
  this.timeout(30_000)
  let emu: Emulator

  before(async () => {
    emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es' })
  })
  after(async () => {
    await emu.close()
  })
  beforeEach(() => {
    emu.store.reset()
    emu.clearVerdicts()
  })

  describe('handler, configured from the environment like in Lambda', () => {
    let restoreEnv: () => void
    before(() => {
      restoreEnv = setEnv({
        ...Object.fromEntries(AWS_ENV_NAMES.map((name) => [name, undefined])),
        ES_NODE: emu.url,
        ES_INDEX: 'orders',
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
        AWS_SESSION_TOKEN: CREDS.sessionToken,
      })
    })
    after(async () => {
      await closeSharedClient()
      restoreEnv()
    })

    it('indexes every record, reuses one client across warm invocations, all signatures ok', async () => {
      const first = await handler(
        sqsEvent([
          ['m-1', { id: 'order-1', item: 'blue kettle' }],
          ['m-2', { item: 'red teapot' }],
        ]),
      )
      const client = getSharedClient()
      const second = await handler(sqsEvent([['m-3', { id: 'order-3', item: 'green mug' }]]))

      expect(first.batchItemFailures).to.deep.equal([])
      expect(second.batchItemFailures).to.deep.equal([])
      expect(getSharedClient()).to.equal(client)
      expect(emu.store.documentCount('orders')).to.equal(3)
      expect(emu.store.getDocument('orders', 'order-1')).to.deep.equal({
        id: 'order-1',
        item: 'blue kettle',
      })
      // No `id` in the body: the messageId is the document id.
      expect(emu.store.getDocument('orders', 'm-2')).to.deep.equal({ item: 'red teapot' })
      expect(emu.verdicts).to.have.length.greaterThan(0)
      for (const v of emu.verdicts) {
        expect(v, `${v.method} ${v.path}`).to.include({ ok: true, accessKeyId: CREDS.accessKeyId })
      }
    })
  })

  describe('roundsByDocumentId', () => {
    it('puts the n-th message for a document id in the n-th round, keeping queue order', () => {
      const m = (messageId: string, id: string) => ({ messageId, id })
      expect(
        roundsByDocumentId([m('1', 'a'), m('2', 'b'), m('3', 'a'), m('4', 'a'), m('5', 'c')]),
      ).to.deep.equal([[m('1', 'a'), m('2', 'b'), m('5', 'c')], [m('3', 'a')], [m('4', 'a')]])
      expect(roundsByDocumentId([])).to.deep.equal([])
    })
  })

  describe('ingestSqsBatch: failures are reported, never dropped', () => {
    let client: Client
    let logged: Array<{ message: string; fields: Record<string, unknown> }>
    const log = (message: string, fields: Record<string, unknown>): void => {
      logged.push({ message, fields })
    }
    before(() => {
      client = createClient({ node: emu.url, region: REGION, credentials: CREDS })
    })
    after(() => client.close())
    beforeEach(() => {
      logged = []
    })

    it('reports bodies that are not JSON objects and indexes the rest', async () => {
      const response = await ingestSqsBatch(
        sqsEvent([
          ['ok', { n: 1 }],
          ['not-json', '{"n": '],
          ['array', [1, 2]],
          ['null', 'null'],
        ]),
        { client, index: 'events', log },
      )
      expect(failedIds(response)).to.deep.equal(['array', 'not-json', 'null'])
      expect(emu.store.documentCount('events')).to.equal(1)
      expect(emu.store.getDocument('events', 'ok')).to.deep.equal({ n: 1 })
      expect(logged.map((l) => l.fields.messageId)).to.have.members(['not-json', 'array', 'null'])
    })

    it('reports a document the cluster rejects (400), with its reason logged', async () => {
      const stop = failBulkItems(emu, (id) =>
        id === 'bad'
          ? {
              status: 400,
              type: 'mapper_parsing_exception',
              reason: 'failed to parse field [n]',
            }
          : undefined,
      )
      try {
        const response = await ingestSqsBatch(
          sqsEvent([
            ['m-1', { id: 'good-1', n: 1 }],
            ['m-2', { id: 'bad', n: 'x' }],
            ['m-3', { id: 'good-2', n: 3 }],
          ]),
          { client, index: 'events', log },
        )
        expect(failedIds(response)).to.deep.equal(['m-2'])
        expect(emu.store.documentCount('events')).to.equal(2)
        expect(emu.store.getDocument('events', 'bad')).to.equal(undefined)
        expect(logged).to.have.length(1)
        expect(logged[0].fields).to.include({
          id: 'bad',
          status: 400,
          error: 'mapper_parsing_exception',
        })
        expect(logged[0].fields.messageId).to.equal('m-2')
      } finally {
        stop()
      }
    })

    it('retries a throttled (429) document within the invocation; not reported once indexed', async () => {
      const stop = failBulkItems(emu, (id, attempt) =>
        id === 'busy' && attempt === 1
          ? { status: 429, type: 'es_rejected_execution_exception', reason: 'queue full' }
          : undefined,
      )
      try {
        const response = await ingestSqsBatch(
          sqsEvent([
            ['m-1', { id: 'busy' }],
            ['m-2', { id: 'calm' }],
          ]),
          { client, index: 'events', log, wait: 10 },
        )
        expect(response.batchItemFailures).to.deep.equal([])
        expect(emu.store.documentCount('events')).to.equal(2)
        expect(emu.verdicts.filter((v) => v.path === '/_bulk')).to.have.length(2)
      } finally {
        stop()
      }
    })

    it('reports a document still throttled after the retries, for SQS to redeliver', async () => {
      const stop = failBulkItems(emu, (id) =>
        id === 'busy'
          ? { status: 429, type: 'es_rejected_execution_exception', reason: 'queue full' }
          : undefined,
      )
      try {
        const response = await ingestSqsBatch(
          sqsEvent([
            ['m-1', { id: 'busy' }],
            ['m-2', { id: 'calm' }],
          ]),
          { client, index: 'events', log, retries: 2, wait: 10 },
        )
        expect(failedIds(response)).to.deep.equal(['m-1'])
        expect(emu.store.getDocument('events', 'calm')).to.deep.equal({ id: 'calm' })
        // The first attempt and two retries.
        expect(emu.verdicts.filter((v) => v.path === '/_bulk')).to.have.length(3)
      } finally {
        stop()
      }
    })

    it('reports every message when the bulk request itself fails', async () => {
      const stop = emu.onRequest(({ path }) =>
        path === '/_bulk' ? { status: 500, body: { error: 'boom', status: 500 } } : undefined,
      )
      try {
        const response = await ingestSqsBatch(
          sqsEvent([
            ['m-1', { n: 1 }],
            ['m-2', { n: 2 }],
          ]),
          { client, index: 'events', log },
        )
        expect(failedIds(response)).to.deep.equal(['m-1', 'm-2'])
        expect(emu.store.documentCount('events')).to.equal(0)
        expect(logged.map((l) => l.message)).to.include('bulk request failed')
      } finally {
        stop()
      }
    })

    it('reports every message that carried a rejected document id', async () => {
      const stop = failBulkItems(emu, (id) =>
        id === 'dup' ? { status: 400, type: 'mapper_parsing_exception', reason: 'no' } : undefined,
      )
      try {
        const response = await ingestSqsBatch(
          sqsEvent([
            ['m-1', { id: 'dup', v: 1 }],
            ['m-2', { id: 'dup', v: 2 }],
            ['m-3', { id: 'other' }],
          ]),
          { client, index: 'events', log },
        )
        expect(failedIds(response)).to.deep.equal(['m-1', 'm-2'])
      } finally {
        stop()
      }
    })

    // Two messages for one document id, one rejected and one indexed: confirmation is per
    // message, so the rejected message goes back to the queue whatever the other one did.
    for (const rejected of ['m-1', 'm-2']) {
      it(`reports the rejected one of two messages with the same document id (${rejected} rejected)`, async () => {
        const stop = failBulkItems(emu, (_id, _attempt, source) =>
          source.from === rejected
            ? { status: 400, type: 'mapper_parsing_exception', reason: 'failed to parse [v]' }
            : undefined,
        )
        try {
          const response = await ingestSqsBatch(
            sqsEvent([
              ['m-1', { id: 'dup', from: 'm-1' }],
              ['m-2', { id: 'dup', from: 'm-2' }],
              ['m-3', { id: 'other' }],
            ]),
            { client, index: 'events', log },
          )
          expect(failedIds(response)).to.deep.equal([rejected])
          const indexed = rejected === 'm-1' ? 'm-2' : 'm-1'
          expect(emu.store.getDocument('events', 'dup')).to.deep.equal({ id: 'dup', from: indexed })
          expect(emu.store.getDocument('events', 'other')).to.deep.equal({ id: 'other' })
          expect(logged.map((l) => l.fields.messageId)).to.deep.equal([rejected])
          // One bulk request per message sharing the id, in queue order.
          expect(emu.verdicts.filter((v) => v.path === '/_bulk')).to.have.length(2)
        } finally {
          stop()
        }
      })
    }
  })
})
