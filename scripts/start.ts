/**
 * `npm start`: the Lambda ingestion example end to end.
 *
 * Without ES_NODE: starts the SigV4-verifying emulator in this process (throwaway credentials,
 * never printed), feeds START_DOCS generated documents (default 5000) through the
 * `lambda-ingest` example in SQS-sized batches, redelivering what it reports as failed like SQS
 * would, then checks that every document is searchable: a count, and searches through the
 * `search-service` example. Prints a `Summary:` line; exits 0 only if everything checked out.
 *
 * With `--opensearch` (`npm run start:opensearch`; needs a JDK 17+ and Maven): the same, with
 * the emulator in its upstream mode in front of a real OpenSearch 2.19 started from Maven
 * Central's jars (test/engines/, the suite's launcher): every request verified, then answered
 * by the engine. The engine is stopped at the end.
 *
 * With ES_NODE (and AWS credentials from the default chain): the same against that domain, in
 * a new index `sigv4-start-<run>` (deleted afterwards; START_KEEP_INDEX=1 keeps it) or in
 * ES_INDEX (kept; only this run's documents are counted). It needs es:ESHttpPut, Post, Get and
 * Delete on the domain. For a Serverless collection run examples/serverless-collection instead
 * (this script sets document ids and calls _refresh).
 *
 * Knobs: START_DOCS, START_BATCH (messages per invocation, default 10: SQS's default batch
 * size), START_CONCURRENCY (concurrent invocations, default 4), START_FAULT_EVERY (emulator
 * only: answer every Nth bulk request with a 429, default 50, 0 for none).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { startEmulator, type Emulator } from '../lib/testing'
import { createClient, ingestSqsBatch, type SqsEvent } from '../examples/lambda-ingest/handler'
import { createSearchServer, type SearchResult } from '../examples/search-service/server'
import { missingFor, REAL_ENGINES, startRealEngine, stopRealEngines } from '../test/support/engines'

const MAX_RECEIVES = 5
const CATEGORIES = ['kitchen', 'garden', 'office', 'toys', 'sports']
const NOUNS = ['kettle', 'hose', 'stapler', 'kite', 'racket', 'lamp', 'mug', 'rake']
const COLORS = ['blue', 'red', 'green', 'black', 'white', 'yellow']

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}`)
  return n
}

const fmt = (n: number): string => n.toLocaleString('en-US')

interface Doc {
  id: string
  run: string
  seq: number
  category: string
  code: string
  title: string
}

interface Message {
  messageId: string
  body: string
  doc: Doc
  receives: number
}

async function main(): Promise<boolean> {
  const docCount = intEnv('START_DOCS', 5000, 1)
  const batchSize = intEnv('START_BATCH', 10, 1)
  const concurrency = intEnv('START_CONCURRENCY', 4, 1)
  const faultEvery = intEnv('START_FAULT_EVERY', 50, 0)
  const realNode = process.env.ES_NODE || undefined
  const realEngine = process.argv.includes('--opensearch')
  if (realEngine && realNode) throw new Error('--opensearch and ES_NODE name two targets: give one')
  const run = randomBytes(6).toString('hex')
  const ownIndex = !process.env.ES_INDEX
  const index = process.env.ES_INDEX || `sigv4-start-${run}`

  let emu: Emulator | undefined
  const cleanups: Array<() => Promise<unknown>> = []
  try {
    let client
    if (realNode) {
      client = createClient({ node: realNode })
      console.log(`Target: ${realNode} (credentials from the default AWS chain)`)
    } else {
      const region = process.env.AWS_REGION || 'us-east-1'
      // Throwaway keys, known only to this process; passed to the client, never printed.
      const credentials = {
        accessKeyId: 'AKID' + randomBytes(8).toString('hex').toUpperCase(),
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(48).toString('base64'),
      }
      let upstream: string | undefined
      if (realEngine) upstream = await startOpenSearch(cleanups)
      emu = await startEmulator({ credentials, region, service: 'es', upstream })
      cleanups.unshift(() => emu!.close())
      if (faultEvery > 0) {
        let bulks = 0
        emu.onRequest(({ path }) => {
          if (!path.endsWith('/_bulk') || ++bulks % faultEvery !== 0) return undefined
          return {
            status: 429,
            body: {
              error: {
                type: 'es_rejected_execution_exception',
                reason: 'rejected execution (injected by npm start)',
              },
              status: 429,
            },
          }
        })
      }
      client = createClient({ node: emu.url, region, credentials })
      console.log(
        `Target: local SigV4-verifying emulator at ${emu.url} (region ${region}, throwaway credentials)` +
          (upstream ? `,\n        in front of ${upstream}` : ''),
      )
      if (faultEvery > 0) {
        console.log(
          `        every ${faultEvery}th bulk request is answered 429, to show failed batches redelivered`,
        )
      }
    }
    const searchClient = client
    cleanups.unshift(() => searchClient.close())

    if (ownIndex) {
      await client.indices.create({
        index,
        mappings: {
          properties: {
            run: { type: 'keyword' },
            seq: { type: 'integer' },
            category: { type: 'keyword' },
            code: { type: 'keyword' },
            title: { type: 'text' },
          },
        },
      })
      if (realNode && process.env.START_KEEP_INDEX !== '1') {
        cleanups.unshift(() => searchClient.indices.delete({ index }).catch(() => undefined))
      }
    }
    console.log(
      `Index:  ${index}; ${fmt(docCount)} documents in SQS batches of ${batchSize}, ${concurrency} concurrent invocations`,
    )

    // The "queue": one SQS message per document.
    const docs: Doc[] = Array.from({ length: docCount }, (_, seq) => ({
      id: `${run}-${seq}`,
      run,
      seq,
      category: CATEGORIES[seq % CATEGORIES.length],
      code: `${run}n${seq}`,
      title: `${COLORS[seq % COLORS.length]} ${NOUNS[seq % NOUNS.length]} number ${seq}`,
    }))
    const queue: Message[] = docs.map((doc) => ({
      messageId: randomUUID(),
      body: JSON.stringify(doc),
      doc,
      receives: 0,
    }))
    const deadLetters: Message[] = []
    const handlerLog = new Map<string, number>()
    let delivered = 0
    let redelivered = 0
    let invocations = 0

    const started = Date.now()
    let lastPrint = 0
    const progress = (final = false): void => {
      const now = Date.now()
      if (!final && now - lastPrint < (process.stdout.isTTY ? 100 : 1000)) return
      lastPrint = now
      const rate = Math.round(delivered / Math.max((now - started) / 1000, 0.001))
      const line = `  ${fmt(delivered)} / ${fmt(docCount)} documents indexed, ${fmt(rate)} docs/s (${fmt(invocations)} invocations, ${fmt(redelivered)} redelivered)`
      if (process.stdout.isTTY) process.stdout.write(`\r${line}${final ? '\n' : ''}`)
      else console.log(line)
    }

    const poller = async (): Promise<void> => {
      while (queue.length > 0) {
        const batch = queue.splice(0, batchSize)
        for (const m of batch) m.receives++
        const event: SqsEvent = {
          Records: batch.map((m) => ({
            messageId: m.messageId,
            body: m.body,
            attributes: { ApproximateReceiveCount: String(m.receives) },
            eventSource: 'aws:sqs',
          })),
        }
        invocations++
        const { batchItemFailures } = await ingestSqsBatch(event, {
          client: searchClient,
          index,
          wait: 200,
          log: (message) => handlerLog.set(message, (handlerLog.get(message) ?? 0) + 1),
        })
        const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier))
        for (const m of batch) {
          if (!failed.has(m.messageId)) delivered++
          else if (m.receives >= MAX_RECEIVES) deadLetters.push(m)
          else {
            redelivered++
            queue.push(m)
          }
        }
        progress()
      }
    }
    await Promise.all(Array.from({ length: concurrency }, poller))
    progress(true)
    const seconds = (Date.now() - started) / 1000

    // Verification: a real domain shows new documents after its refresh interval; force it.
    await client.indices.refresh({ index })
    const problems: string[] = []
    if (deadLetters.length > 0) {
      problems.push(
        `${fmt(deadLetters.length)} messages dead-lettered after ${MAX_RECEIVES} receives`,
      )
    }
    const { count } = await client.count({ index, query: { term: { run } } })
    console.log(`Check:  count of this run's documents: ${fmt(count)} (expected ${fmt(docCount)})`)
    if (count !== docCount) problems.push(`count ${fmt(count)} != ${fmt(docCount)}`)

    const server = createSearchServer({ client, index })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanups.unshift(() => new Promise((resolve) => server.close(resolve)))
    const searchBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/search`

    const checks: Array<{ q: string; total: number; id?: string }> = []
    for (const category of CATEGORIES.slice(0, 2)) {
      checks.push({
        q: `${run} ${category}`,
        total: docs.filter((d) => d.category === category).length,
      })
    }
    for (const seq of new Set([0, Math.floor(docCount / 2), docCount - 1])) {
      checks.push({ q: docs[seq].code, total: 1, id: docs[seq].id })
    }
    let matched = 0
    for (const check of checks) {
      const res = await fetch(`${searchBase}?q=${encodeURIComponent(check.q)}`)
      const body = (await res.json()) as SearchResult
      const ok =
        res.status === 200 &&
        body.total === check.total &&
        (check.id === undefined || body.hits[0]?.id === check.id)
      if (ok) matched++
      else problems.push(`search "${check.q}": HTTP ${res.status}, total ${body.total}`)
      console.log(
        `Check:  GET /search?q=${check.q} -> ${fmt(body.total ?? 0)} hits (expected ${fmt(check.total)}) ${ok ? 'ok' : 'MISMATCH'}`,
      )
    }

    let signedNote = ''
    if (emu) {
      const rejected = emu.verdicts.filter((v) => !v.ok)
      signedNote = `; ${fmt(emu.verdicts.length)} signed requests, ${rejected.length === 0 ? 'all' : `${fmt(emu.verdicts.length - rejected.length)}`} verified by the emulator`
      if (rejected.length > 0) {
        problems.push(
          `${rejected.length} requests failed the signature check (${rejected[0].reason})`,
        )
      }
    }
    if (handlerLog.size > 0) {
      const notes = [...handlerLog].map(([message, n]) => `${message} x${n}`).join(', ')
      console.log(`Note:   the handler reported: ${notes}`)
    }

    const rate = Math.round(delivered / Math.max(seconds, 0.001))
    const head = problems.length === 0 ? 'OK' : 'FAILED'
    console.log(
      `Summary: ${head}: ${fmt(delivered)}/${fmt(docCount)} documents indexed in ${seconds.toFixed(2)} s (${fmt(rate)} docs/s), ` +
        `${fmt(invocations)} Lambda invocations, ${fmt(redelivered)} messages redelivered, ${fmt(deadLetters.length)} dead-lettered; ` +
        `count ${fmt(count)}/${fmt(docCount)}; ${matched}/${checks.length} searches matched${signedNote}` +
        (problems.length > 0 ? `. Problems: ${problems.join('; ')}` : ''),
    )
    return problems.length === 0
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined)
  }
}

/**
 * A real OpenSearch 2.19 on loopback for `--opensearch`, from the jars Maven resolves (the first
 * run downloads them); stopped by the cleanups. Its URL.
 */
async function startOpenSearch(cleanups: Array<() => Promise<unknown>>): Promise<string> {
  const spec = REAL_ENGINES.find((e) => e.id === 'opensearch-2')!
  const missing = missingFor([spec])
  if (missing !== undefined) throw new Error(`npm run start:opensearch needs ${missing}`)
  console.log(`Engine: starting ${spec.title} from Maven Central's jars (a JVM, 512 MB heap) ...`)
  cleanups.push(() => stopRealEngines())
  const engine = await startRealEngine('opensearch-2')
  console.log(
    `Engine: OpenSearch ${engine.version} at ${engine.url}, started in ${(engine.startMs / 1000).toFixed(1)} s`,
  )
  return engine.url
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err)
    console.log(`Summary: FAILED: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  },
)
