/**
 * Lambda ingestion: an SQS-triggered function that bulk-indexes each message's JSON body.
 *
 * Event: SQS (standard queue). Each message body is one JSON object document; its `id` field,
 * when it is a string, becomes the document `_id`, else the SQS `messageId` does, so a
 * redelivered message overwrites its document instead of duplicating it.
 *
 * Failures: the handler returns an SQS partial batch response. Every message not confirmed
 * indexed (a body that is not a JSON object, a document the cluster rejected, a bulk request
 * that failed outright) is listed in `batchItemFailures`, logged, and redelivered by SQS — to
 * the queue's dead-letter queue after `maxReceiveCount`. The event source mapping needs
 * `FunctionResponseTypes: ["ReportBatchItemFailures"]`, or Lambda ignores the list.
 *
 * Environment: ES_NODE (domain endpoint URL), ES_INDEX (default `events`), AWS_REGION (set by
 * Lambda; the region in the endpoint's host name wins). Credentials: the function's role,
 * through the default chain. The role needs es:ESHttpPost on the domain.
 *
 * Run locally against the emulator or a domain with run.ts. Deploy: bundle this file (see README,
 * "Deploying to Lambda"; CI bundles it three ways) and set the handler to `<bundle name>.handler`
 * (`index.handler` for index.js or index.mjs). It holds nothing but the function, so it bundles to
 * CommonJS and to ESM alike.
 */
import { Client } from '@elastic/elasticsearch'
// In your project: import { createAwsSigV4Connection } from 'elasticsearch-aws-sigv4'
import { createAwsSigV4Connection, type CredentialsOption } from '../../lib'

/** The parts of an SQS event record the handler reads. */
export interface SqsRecord {
  messageId: string
  body: string
  [key: string]: unknown
}

export interface SqsEvent {
  Records: SqsRecord[]
}

export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>
}

export type Logger = (message: string, fields: Record<string, unknown>) => void

export interface ClientOptions {
  /** Default: ES_NODE. */
  node?: string
  /** Default: the endpoint's region, else AWS_REGION. */
  region?: string
  /** Default: the AWS SDK's default credential chain (the Lambda role). */
  credentials?: CredentialsOption
}

export function createClient(options: ClientOptions = {}): Client {
  const node = options.node ?? process.env.ES_NODE
  if (!node) throw new Error('ES_NODE is not set: the domain endpoint, e.g. https://search-…')
  return new Client({
    node,
    // Not AWS_REGION as `region`: an explicit region would beat the one in the endpoint's host,
    // and a function may write to a domain in another region.
    Connection: createAwsSigV4Connection({
      region: options.region,
      credentials: options.credentials,
    }),
  })
}

export interface IngestOptions {
  client: Client
  index: string
  /** Retries of throttled (429) documents inside one invocation; SQS redelivery does the rest. */
  retries?: number
  /** Milliseconds between those retries. */
  wait?: number
  log?: Logger
}

const defaultLog: Logger = (message, fields) =>
  console.error(JSON.stringify({ message, ...fields }))

/** Indexes an SQS batch; returns the messages to redeliver. */
export async function ingestSqsBatch(
  event: SqsEvent,
  options: IngestOptions,
): Promise<SqsBatchResponse> {
  const { client, index, retries = 2, wait = 1000, log = defaultLog } = options
  const failed = new Set<string>()
  // A document id may come from several messages; every one of them is retried if it fails.
  const messagesById = new Map<string, string[]>()
  const confirmed = new Set<string>()
  const docs: Array<{ id: string; source: Record<string, unknown> }> = []

  for (const record of event.Records) {
    let source: unknown
    try {
      source = JSON.parse(record.body)
    } catch {
      source = undefined
    }
    if (typeof source !== 'object' || source === null || Array.isArray(source)) {
      log('message body is not a JSON object', { messageId: record.messageId })
      failed.add(record.messageId)
      continue
    }
    const doc = source as Record<string, unknown>
    const id = typeof doc.id === 'string' && doc.id !== '' ? doc.id : record.messageId
    messagesById.set(id, [...(messagesById.get(id) ?? []), record.messageId])
    docs.push({ id, source: doc })
  }

  if (docs.length > 0) {
    try {
      await client.helpers.bulk({
        datasource: docs,
        onDocument: (doc) => [{ index: { _index: index, _id: doc.id } }, doc.source],
        retries,
        wait,
        onSuccess: ({ result }) => {
          const id = result.index?._id
          if (id) confirmed.add(id)
        },
        onDrop: (drop) => {
          // The action line as sent: { index: { _index, _id } }.
          const id = (drop.operation as { index?: { _id?: string } }).index?._id ?? ''
          log('document rejected', {
            id,
            messageIds: messagesById.get(id),
            status: drop.status,
            error: drop.error?.type,
            reason: drop.error?.reason,
          })
        },
      })
    } catch (err) {
      // The bulk request itself failed (network, 5xx after the client's retries, 403, ...):
      // whatever was not confirmed below goes back to the queue.
      log('bulk request failed', { error: err instanceof Error ? err.message : String(err) })
    }
  }

  // Anything not confirmed indexed is reported, whatever the reason: a document indexed twice
  // is harmless (same _id), a dropped one is not.
  for (const [id, messageIds] of messagesById) {
    if (!confirmed.has(id)) for (const messageId of messageIds) failed.add(messageId)
  }
  return {
    batchItemFailures: event.Records.filter((r) => failed.has(r.messageId)).map((r) => ({
      itemIdentifier: r.messageId,
    })),
  }
}

// Module scope: created by the first invocation, then reused by every warm invocation of this
// execution environment (its keep-alive connections and cached credentials with it).
let sharedClient: Client | undefined

export function getSharedClient(): Client {
  sharedClient ??= createClient()
  return sharedClient
}

/** Closes the shared client (tests; a Lambda environment is simply frozen). */
export async function closeSharedClient(): Promise<void> {
  const client = sharedClient
  sharedClient = undefined
  await client?.close()
}

/** The Lambda entry point. */
export async function handler(event: SqsEvent): Promise<SqsBatchResponse> {
  return ingestSqsBatch(event, {
    client: getSharedClient(),
    index: process.env.ES_INDEX || 'events',
  })
}
