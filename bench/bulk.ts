/** Section 1 (and the bulk half of 4): `helpers.bulk` of generated ~1 KB documents. */
import type { BenchClient, Contender, Doc } from './contenders'
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
  docs: Doc[]
  rounds: number
  /** Documents for the untimed warm-up pass of every contender (JIT, sockets, pools). */
  warmupDocs: number
}

export async function runBulk(
  contenders: Contender[],
  options: BulkOptions,
): Promise<BulkResult[]> {
  const { docs, rounds } = options
  const clients = new Map<Contender, BenchClient>()
  const results = new Map<Contender, BulkResult>()
  for (const c of contenders) {
    clients.set(c, c.create(options.node))
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
  try {
    const warmup = docs.slice(0, options.warmupDocs)
    const fail = (c: Contender, err: unknown): void => {
      const result = results.get(c)!
      result.error = err instanceof Error ? err.message : String(err)
      log(`bulk ${c.id} FAILED: ${result.error}`)
    }
    for (const c of contenders) await indexAll(c, clients.get(c)!, warmup).catch((e) => fail(c, e))
    for (let round = 0; round < rounds; round++) {
      for (const c of schedule(contenders, round)) {
        if (results.get(c)!.error !== undefined) continue
        global.gc?.()
        const server0 = processCpuMs(options.serverPid)
        const cpu0 = ownCpuMs()
        const start = process.hrtime.bigint()
        try {
          await indexAll(c, clients.get(c)!, docs)
        } catch (err) {
          fail(c, err)
          continue
        }
        const ms = msSince(start)
        const r = {
          ms,
          clientCpuMs: ownCpuMs() - cpu0,
          serverCpuMs: processCpuMs(options.serverPid) - server0,
        }
        results.get(c)!.rounds.push(r)
        log(
          `bulk round ${round + 1}/${rounds} ${c.id}: ${Math.round((docs.length / ms) * 1000)} docs/s`,
        )
      }
    }
  } finally {
    for (const client of clients.values()) await client.close().catch(() => undefined)
  }
  for (const r of results.values()) {
    const n = docs.length
    r.docsPerSec = median(r.rounds.map((x) => (n / x.ms) * 1000))
    r.clientCpuUsPerDoc = median(r.rounds.map((x) => (x.clientCpuMs * 1000) / n))
    r.serverCpuUsPerDoc = median(r.rounds.map((x) => (x.serverCpuMs * 1000) / n))
  }
  return [...results.values()]
}

async function indexAll(c: Contender, client: BenchClient, docs: Doc[]): Promise<void> {
  const stats = await client.bulk(docs)
  if (stats.failed !== 0 || stats.successful !== docs.length) {
    throw new Error(
      `${c.id}: helpers.bulk indexed ${stats.successful} of ${docs.length} documents (${stats.failed} failed)`,
    )
  }
}
