/** Section 2 (and the search half of 4): small `search` requests, sequential and concurrent. */
import type { BenchClient, Contender } from './contenders'
import { log, median, msSince, percentile, schedule } from './util'

export interface SmallResult {
  id: string
  label: string
  signed: boolean
  /** Sequential requests: per-request latency, µs (median over rounds of each round's percentile). */
  p50Us: number
  p99Us: number
  /** `concurrency` requests in flight at all times: requests per second (median over rounds). */
  concurrentRps: number
  /** Client process CPU per request, µs (sequential and concurrent together), median over rounds. */
  cpuUsPerRequest: number
  /** Set when the contender failed; it is then left out of the remaining rounds. */
  error?: string
  rounds: { p50Us: number; p99Us: number; rps: number; cpuUs: number }[]
}

export interface SmallOptions {
  node: string
  rounds: number
  sequential: number
  concurrent: number
  concurrency: number
  warmup: number
}

export async function runSmall(
  contenders: Contender[],
  options: SmallOptions,
): Promise<SmallResult[]> {
  const clients = new Map<Contender, BenchClient>()
  const results = new Map<Contender, SmallResult>()
  for (const c of contenders) {
    clients.set(c, c.create(options.node))
    results.set(c, {
      id: c.id,
      label: c.label,
      signed: c.signed,
      p50Us: NaN,
      p99Us: NaN,
      concurrentRps: NaN,
      cpuUsPerRequest: NaN,
      rounds: [],
    })
  }
  try {
    const fail = (c: Contender, err: unknown): void => {
      const result = results.get(c)!
      result.error = err instanceof Error ? err.message : String(err)
      log(`small ${c.id} FAILED: ${result.error}`)
    }
    for (const c of contenders) {
      const client = clients.get(c)!
      try {
        for (let i = 0; i < options.warmup; i++) await client.search()
        await concurrent(client, options.warmup, options.concurrency)
      } catch (err) {
        fail(c, err)
      }
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const c of schedule(contenders, round)) {
        if (results.get(c)!.error !== undefined) continue
        const client = clients.get(c)!
        try {
          await measureRound(c, client, round)
        } catch (err) {
          fail(c, err)
        }
      }
    }
  } finally {
    for (const client of clients.values()) await client.close().catch(() => undefined)
  }

  async function measureRound(c: Contender, client: BenchClient, round: number): Promise<void> {
    global.gc?.()
    const cpu0 = process.cpuUsage()
    const latencies = new Array<number>(options.sequential)
    for (let i = 0; i < options.sequential; i++) {
      const start = process.hrtime.bigint()
      await client.search()
      latencies[i] = Number(process.hrtime.bigint() - start) / 1000
    }
    global.gc?.()
    const start = process.hrtime.bigint()
    await concurrent(client, options.concurrent, options.concurrency)
    const rps = (options.concurrent / msSince(start)) * 1000
    const cpu = process.cpuUsage(cpu0)
    const r = {
      p50Us: percentile(latencies, 50),
      p99Us: percentile(latencies, 99),
      rps,
      cpuUs: (cpu.user + cpu.system) / (options.sequential + options.concurrent),
    }
    results.get(c)!.rounds.push(r)
    log(
      `small round ${round + 1}/${options.rounds} ${c.id}: p50 ${Math.round(r.p50Us)} µs, ` +
        `p99 ${Math.round(r.p99Us)} µs, ${Math.round(rps)} req/s`,
    )
  }
  for (const r of results.values()) {
    r.p50Us = median(r.rounds.map((x) => x.p50Us))
    r.p99Us = median(r.rounds.map((x) => x.p99Us))
    r.concurrentRps = median(r.rounds.map((x) => x.rps))
    r.cpuUsPerRequest = median(r.rounds.map((x) => x.cpuUs))
  }
  return [...results.values()]
}

/** `total` searches with `concurrency` of them in flight at all times. */
async function concurrent(client: BenchClient, total: number, concurrency: number): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++
      await client.search()
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker))
}
