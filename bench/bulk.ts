/**
 * Section 1 (and the bulk half of 4): `helpers.bulk` of generated ~1 KB documents, each contender
 * in a process of its own (contender-process.ts), the rounds interleaved.
 */
import type { BenchClient, Contender, Doc } from './contenders'
import { ContenderProcess } from './isolated'
import { ownCpuMs, processCpuMs } from './cpu'
import { log, median, msSince, schedule } from './util'

export interface BulkResult {
  id: string
  label: string
  signed: boolean
  /** Median over the rounds. */
  docsPerSec: number
  /** Client process CPU (all threads) per document, µs, median over the rounds. */
  clientCpuUsPerDoc: number
  serverCpuUsPerDoc: number
  /** Set when the contender failed; it is then left out of the remaining rounds. */
  error?: string
  rounds: { ms: number; clientCpuMs: number; serverCpuMs: number }[]
}

export interface BulkOptions {
  node: string
  serverPid: number | undefined
  /** Documents per round (generated, the same every time, in each contender's process). */
  docs: number
  rounds: number
  /** Documents for the untimed warm-up pass of every contender (JIT, sockets, pools). */
  warmupDocs: number
}

/** One round, as the contender's process measures it. */
export interface BulkRound {
  ms: number
  clientCpuMs: number
}

/** `helpers.bulk` of the documents, each contender in a process of its own, rounds interleaved. */
export async function runBulk(
  contenders: Contender[],
  options: BulkOptions,
): Promise<BulkResult[]> {
  const { rounds } = options
  const processes = new Map<Contender, ContenderProcess>()
  const results = new Map<Contender, BulkResult>()
  for (const c of contenders) {
    results.set(c, {
      id: c.id,
      label: c.label,
      signed: c.signed,
      docsPerSec: NaN,
      clientCpuUsPerDoc: NaN,
      serverCpuUsPerDoc: NaN,
      rounds: [],
    })
  }
  const fail = (c: Contender, err: unknown): void => {
    const result = results.get(c)!
    result.error = err instanceof Error ? err.message : String(err)
    log(`bulk ${c.id} FAILED: ${result.error}`)
  }
  try {
    for (const c of contenders) {
      try {
        const process = await ContenderProcess.start(c.id, options.node)
        processes.set(c, process)
        await process.call({
          type: 'bulk-warmup',
          docs: options.docs,
          warmupDocs: options.warmupDocs,
        })
      } catch (err) {
        fail(c, err)
      }
    }
    for (let round = 0; round < rounds; round++) {
      for (const c of schedule(contenders, round)) {
        const process = processes.get(c)
        if (process === undefined || results.get(c)!.error !== undefined) continue
        const server0 = processCpuMs(options.serverPid)
        try {
          const r = await process.call<BulkRound>({ type: 'bulk-round' })
          results.get(c)!.rounds.push({
            ...r,
            serverCpuMs: processCpuMs(options.serverPid) - server0,
          })
          log(
            `bulk round ${round + 1}/${rounds} ${c.id}: ${Math.round((options.docs / r.ms) * 1000)} docs/s`,
          )
        } catch (err) {
          fail(c, err)
        }
      }
    }
  } finally {
    for (const process of processes.values()) await process.close()
  }
  for (const r of results.values()) {
    const n = options.docs
    r.docsPerSec = median(r.rounds.map((x) => (n / x.ms) * 1000))
    r.clientCpuUsPerDoc = median(r.rounds.map((x) => (x.clientCpuMs * 1000) / n))
    r.serverCpuUsPerDoc = median(r.rounds.map((x) => (x.serverCpuMs * 1000) / n))
  }
  return [...results.values()]
}

/** One timed round in the contender's process: every document, its wall time and CPU. */
export async function bulkRound(
  c: Contender,
  client: BenchClient,
  docs: Doc[],
): Promise<BulkRound> {
  global.gc?.()
  const cpu0 = ownCpuMs()
  const start = process.hrtime.bigint()
  await indexAll(c, client, docs)
  return { ms: msSince(start), clientCpuMs: ownCpuMs() - cpu0 }
}

export async function indexAll(c: Contender, client: BenchClient, docs: Doc[]): Promise<void> {
  const stats = await client.bulk(docs)
  if (stats.failed !== 0 || stats.successful !== docs.length) {
    throw new Error(
      `${c.id}: helpers.bulk indexed ${stats.successful} of ${docs.length} documents (${stats.failed} failed)`,
    )
  }
}
