/**
 * Section 1 (and the bulk half of 4): `helpers.bulk` of generated ~1 KB documents, each contender
 * in a process of its own (contender-process.ts), the rounds interleaved and repeated until the
 * watched pairs are steady (rounds.ts).
 */
import { performance } from 'node:perf_hooks'
import type { BenchClient, Contender, Doc } from './contenders'
import { ContenderProcess } from './isolated'
import { mainThreadCpuMs, ownCpuMs, processCpuMs } from './cpu'
import { runRounds } from './rounds'
import type { PairSpec, RoundsOptions, RoundsOutcome } from './rounds'
import { log, median, msSince } from './util'

/** One round, as the contender's process measures it. */
export interface BulkRound {
  ms: number
  /** The client process's CPU, all threads (libuv's pool, workers, GC helpers included). */
  clientCpuMs: number
  /** The client's main thread alone (schedstat): what the issue is judged on. */
  mainCpuMs: number
  /** Event-loop utilisation over the round (active / (active + idle)). */
  elu: number
}

export interface BulkRoundRecord extends BulkRound {
  serverCpuMs: number
}

export interface BulkResult {
  id: string
  label: string
  signed: boolean
  /** Medians over the rounds. */
  docsPerSec: number
  clientCpuUsPerDoc: number
  mainCpuUsPerDoc: number
  elu: number
  serverCpuUsPerDoc: number
  /** Set when the contender failed; it is then left out of the remaining rounds. */
  error?: string
  /** Indexed by round; null where the contender did not run. */
  rounds: (BulkRoundRecord | null)[]
}

export interface BulkOptions {
  node: string
  serverPid: number | undefined
  /** Documents per round (generated, the same every time, in each contender's process). */
  docs: number
  rounds: RoundsOptions
  /** Documents for the untimed warm-up pass of every contender (JIT, sockets, pools). */
  warmupDocs: number
}

/** Docs/s of `a` over `b` in one round. */
export const bulkWallRatio = (a: BulkRoundRecord, b: BulkRoundRecord): number => b.ms / a.ms

/** `helpers.bulk` of the documents, each contender in a process of its own, rounds interleaved. */
export async function runBulk(
  groups: Contender[][],
  pairs: PairSpec<BulkRoundRecord>[],
  options: BulkOptions,
): Promise<{ results: BulkResult[]; outcome: RoundsOutcome }> {
  const contenders = groups.flat()
  const byId = new Map(contenders.map((c) => [c.id, c]))
  const processes = new Map<string, ContenderProcess>()
  const errors = new Map<string, string>()
  const fail = (c: Contender, err: unknown): void => {
    const message = err instanceof Error ? err.message : String(err)
    errors.set(c.id, message)
    log(`bulk ${c.id} FAILED: ${message}`)
  }
  let outcome: RoundsOutcome = { rounds: 0, stoppedBecause: 'round cap' }
  let table = new Map<string, (BulkRoundRecord | undefined)[]>()
  try {
    for (const c of contenders) {
      try {
        const process = await ContenderProcess.start(c.id, options.node)
        processes.set(c.id, process)
        await process.call({
          type: 'bulk-warmup',
          docs: options.docs,
          warmupDocs: options.warmupDocs,
        })
      } catch (err) {
        fail(c, err)
      }
    }
    ;({ table, outcome } = await runRounds<BulkRoundRecord>({
      section: 'bulk',
      groups: groups.map((g) => g.map((c) => c.id)),
      pairs,
      rounds: options.rounds,
      async runOne(id, round) {
        const process = processes.get(id)
        if (process === undefined || errors.has(id)) return undefined
        const server0 = processCpuMs(options.serverPid)
        try {
          const r = await process.call<BulkRound>({ type: 'bulk-round' })
          log(
            `bulk round ${round + 1} ${id}: ${Math.round((options.docs / r.ms) * 1000)} docs/s, ` +
              `main thread ${((r.mainCpuMs * 1000) / options.docs).toFixed(2)} µs/doc, ELU ${r.elu.toFixed(2)}`,
          )
          return { ...r, serverCpuMs: processCpuMs(options.serverPid) - server0 }
        } catch (err) {
          fail(byId.get(id)!, err)
          return undefined
        }
      },
    }))
  } finally {
    for (const process of processes.values()) await process.close()
  }
  const n = options.docs
  const results = contenders.map((c): BulkResult => {
    const rounds = (table.get(c.id) ?? []).map((r) => r ?? null)
    const done = rounds.filter((r): r is BulkRoundRecord => r !== null)
    const perDoc = (f: (r: BulkRoundRecord) => number): number =>
      median(done.map((x) => (f(x) * 1000) / n))
    return {
      id: c.id,
      label: c.label,
      signed: c.signed,
      docsPerSec: median(done.map((x) => (n / x.ms) * 1000)),
      clientCpuUsPerDoc: perDoc((x) => x.clientCpuMs),
      mainCpuUsPerDoc: perDoc((x) => x.mainCpuMs),
      elu: median(done.map((x) => x.elu)),
      serverCpuUsPerDoc: perDoc((x) => x.serverCpuMs),
      ...(errors.has(c.id) ? { error: errors.get(c.id) } : {}),
      rounds,
    }
  })
  return { results, outcome }
}

/** One timed round in the contender's process: every document, its wall time and CPU. */
export async function bulkRound(
  c: Contender,
  client: BenchClient,
  docs: Doc[],
): Promise<BulkRound> {
  global.gc?.()
  const cpu0 = ownCpuMs()
  const main0 = mainThreadCpuMs()
  const elu0 = performance.eventLoopUtilization()
  const start = process.hrtime.bigint()
  await indexAll(c, client, docs)
  const ms = msSince(start)
  return {
    ms,
    clientCpuMs: ownCpuMs() - cpu0,
    mainCpuMs: mainThreadCpuMs() - main0,
    elu: performance.eventLoopUtilization(elu0).utilization,
  }
}

export async function indexAll(c: Contender, client: BenchClient, docs: Doc[]): Promise<void> {
  const stats = await client.bulk(docs)
  if (stats.failed !== 0 || stats.successful !== docs.length) {
    throw new Error(
      `${c.id}: helpers.bulk indexed ${stats.successful} of ${docs.length} documents (${stats.failed} failed)`,
    )
  }
}
