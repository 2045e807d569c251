/**
 * Section 2 (and the search half of 4): small `search` requests, sequential and concurrent, each
 * contender in a process of its own (contender-process.ts), the rounds interleaved and repeated
 * until the watched pairs are steady (rounds.ts).
 */
import { performance } from 'node:perf_hooks'
import type { BenchClient, Contender } from './contenders'
import { ContenderProcess } from './isolated'
import { mainThreadCpuMs } from './cpu'
import { runRounds } from './rounds'
import type { PairSpec, RoundsOptions, RoundsOutcome } from './rounds'
import { log, median, msSince, percentile } from './util'

export interface SmallRound {
  p50Us: number
  p99Us: number
  rps: number
  /** Client process CPU per request (all threads), µs: both phases together, and each phase. */
  cpuUs: number
  sequentialCpuUs: number
  concurrentCpuUs: number
  /** The main thread's CPU per request in each phase (schedstat). */
  sequentialMainCpuUs: number
  concurrentMainCpuUs: number
  /** Event-loop utilisation in each phase. */
  sequentialElu: number
  concurrentElu: number
}

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
  /** The same for each phase alone, all threads and main thread. */
  sequentialCpuUs: number
  concurrentCpuUs: number
  sequentialMainCpuUs: number
  concurrentMainCpuUs: number
  /** Set when the contender failed; it is then left out of the remaining rounds. */
  error?: string
  /** Indexed by round; null where the contender did not run. */
  rounds: (SmallRound | null)[]
}

export interface SmallOptions {
  node: string
  sequential: number
  concurrent: number
  concurrency: number
  warmup: number
}

/** x64 requests/s of `a` over `b` in one round. */
export const smallRpsRatio = (a: SmallRound, b: SmallRound): number => a.rps / b.rps
/** Sequential p50 of `b` over `a` in one round (above 1: `a` is faster). */
export const smallP50Ratio = (a: SmallRound, b: SmallRound): number => b.p50Us / a.p50Us

export async function runSmall(
  groups: Contender[][],
  pairs: PairSpec<SmallRound>[],
  options: SmallOptions & { rounds: RoundsOptions },
): Promise<{ results: SmallResult[]; outcome: RoundsOutcome }> {
  const contenders = groups.flat()
  const byId = new Map(contenders.map((c) => [c.id, c]))
  const processes = new Map<string, ContenderProcess>()
  const errors = new Map<string, string>()
  const fail = (c: Contender, err: unknown): void => {
    const message = err instanceof Error ? err.message : String(err)
    errors.set(c.id, message)
    log(`small ${c.id} FAILED: ${message}`)
  }
  const { rounds: roundsOptions, ...roundOptions } = options
  let outcome: RoundsOutcome = { rounds: 0, stoppedBecause: 'round cap' }
  let table = new Map<string, (SmallRound | undefined)[]>()
  try {
    for (const c of contenders) {
      try {
        const process = await ContenderProcess.start(c.id, options.node)
        processes.set(c.id, process)
        await process.call({ type: 'small-warmup', options: roundOptions })
      } catch (err) {
        fail(c, err)
      }
    }
    ;({ table, outcome } = await runRounds<SmallRound>({
      section: 'small',
      groups: groups.map((g) => g.map((c) => c.id)),
      pairs,
      rounds: roundsOptions,
      async runOne(id, round) {
        const process = processes.get(id)
        if (process === undefined || errors.has(id)) return undefined
        try {
          const r = await process.call<SmallRound>({ type: 'small-round', options: roundOptions })
          log(
            `small round ${round + 1} ${id}: p50 ${Math.round(r.p50Us)} µs, ` +
              `p99 ${Math.round(r.p99Us)} µs, ${Math.round(r.rps)} req/s, main-thread CPU ` +
              `${Math.round(r.sequentialMainCpuUs)} / ${Math.round(r.concurrentMainCpuUs)} µs/req`,
          )
          return r
        } catch (err) {
          fail(byId.get(id)!, err)
          return undefined
        }
      },
    }))
  } finally {
    for (const process of processes.values()) await process.close()
  }
  const results = contenders.map((c): SmallResult => {
    const rounds = (table.get(c.id) ?? []).map((r) => r ?? null)
    const done = rounds.filter((r): r is SmallRound => r !== null)
    const m = (f: (r: SmallRound) => number): number => median(done.map(f))
    return {
      id: c.id,
      label: c.label,
      signed: c.signed,
      p50Us: m((x) => x.p50Us),
      p99Us: m((x) => x.p99Us),
      concurrentRps: m((x) => x.rps),
      cpuUsPerRequest: m((x) => x.cpuUs),
      sequentialCpuUs: m((x) => x.sequentialCpuUs),
      concurrentCpuUs: m((x) => x.concurrentCpuUs),
      sequentialMainCpuUs: m((x) => x.sequentialMainCpuUs),
      concurrentMainCpuUs: m((x) => x.concurrentMainCpuUs),
      ...(errors.has(c.id) ? { error: errors.get(c.id) } : {}),
      rounds,
    }
  })
  return { results, outcome }
}

/** Untimed: sequential and concurrent searches, so the JIT, sockets and pools are warm. */
export async function smallWarmup(client: BenchClient, options: SmallOptions): Promise<void> {
  for (let i = 0; i < options.warmup; i++) await client.search()
  await concurrent(client, options.warmup, options.concurrency)
}

interface Phase {
  cpuUs: number
  mainCpuUs: number
  elu: number
  ms: number
}

/** Runs `fn` and measures it: process CPU, main-thread CPU, event-loop utilisation, wall. */
async function measured(fn: () => Promise<void>): Promise<Phase> {
  global.gc?.()
  const cpu0 = process.cpuUsage()
  const main0 = mainThreadCpuMs()
  const elu0 = performance.eventLoopUtilization()
  const start = process.hrtime.bigint()
  await fn()
  const ms = msSince(start)
  const cpu = process.cpuUsage(cpu0)
  return {
    cpuUs: cpu.user + cpu.system,
    mainCpuUs: (mainThreadCpuMs() - main0) * 1000,
    elu: performance.eventLoopUtilization(elu0).utilization,
    ms,
  }
}

/** One round in the contender's process: sequential latencies, then concurrent throughput. */
export async function smallRound(client: BenchClient, options: SmallOptions): Promise<SmallRound> {
  const latencies = new Array<number>(options.sequential)
  const seq = await measured(async () => {
    for (let i = 0; i < options.sequential; i++) {
      const start = process.hrtime.bigint()
      await client.search()
      latencies[i] = Number(process.hrtime.bigint() - start) / 1000
    }
  })
  const con = await measured(() => concurrent(client, options.concurrent, options.concurrency))
  return {
    p50Us: percentile(latencies, 50),
    p99Us: percentile(latencies, 99),
    rps: (options.concurrent / con.ms) * 1000,
    cpuUs: (seq.cpuUs + con.cpuUs) / (options.sequential + options.concurrent),
    sequentialCpuUs: seq.cpuUs / options.sequential,
    concurrentCpuUs: con.cpuUs / options.concurrent,
    sequentialMainCpuUs: seq.mainCpuUs / options.sequential,
    concurrentMainCpuUs: con.mainCpuUs / options.concurrent,
    sequentialElu: seq.elu,
    concurrentElu: con.elu,
  }
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
