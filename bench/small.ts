/**
 * Section 2 (and the search half of 4): small `search` requests, sequential and concurrent, each
 * contender in a process of its own (contender-process.ts), the rounds interleaved.
 */
import type { BenchClient, Contender } from './contenders'
import { ContenderProcess } from './isolated'
import { log, median, msSince, percentile, schedule } from './util'

export interface SmallRound {
  p50Us: number
  p99Us: number
  rps: number
  /** Client process CPU per request, µs: sequential and concurrent together, and each phase. */
  cpuUs: number
  sequentialCpuUs: number
  concurrentCpuUs: number
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
  /** The same for each phase alone. */
  sequentialCpuUs: number
  concurrentCpuUs: number
  /** Set when the contender failed; it is then left out of the remaining rounds. */
  error?: string
  rounds: SmallRound[]
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
  const processes = new Map<Contender, ContenderProcess>()
  const results = new Map<Contender, SmallResult>()
  for (const c of contenders) {
    results.set(c, {
      id: c.id,
      label: c.label,
      signed: c.signed,
      p50Us: NaN,
      p99Us: NaN,
      concurrentRps: NaN,
      cpuUsPerRequest: NaN,
      sequentialCpuUs: NaN,
      concurrentCpuUs: NaN,
      rounds: [],
    })
  }
  const fail = (c: Contender, err: unknown): void => {
    const result = results.get(c)!
    result.error = err instanceof Error ? err.message : String(err)
    log(`small ${c.id} FAILED: ${result.error}`)
  }
  try {
    for (const c of contenders) {
      try {
        const process = await ContenderProcess.start(c.id, options.node)
        processes.set(c, process)
        await process.call({ type: 'small-warmup', options })
      } catch (err) {
        fail(c, err)
      }
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const c of schedule(contenders, round)) {
        const process = processes.get(c)
        if (process === undefined || results.get(c)!.error !== undefined) continue
        try {
          const r = await process.call<SmallRound>({ type: 'small-round', options })
          results.get(c)!.rounds.push(r)
          log(
            `small round ${round + 1}/${options.rounds} ${c.id}: p50 ${Math.round(r.p50Us)} µs, ` +
              `p99 ${Math.round(r.p99Us)} µs, ${Math.round(r.rps)} req/s, ` +
              `CPU ${Math.round(r.sequentialCpuUs)} / ${Math.round(r.concurrentCpuUs)} µs/req`,
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
    r.p50Us = median(r.rounds.map((x) => x.p50Us))
    r.p99Us = median(r.rounds.map((x) => x.p99Us))
    r.concurrentRps = median(r.rounds.map((x) => x.rps))
    r.cpuUsPerRequest = median(r.rounds.map((x) => x.cpuUs))
    r.sequentialCpuUs = median(r.rounds.map((x) => x.sequentialCpuUs))
    r.concurrentCpuUs = median(r.rounds.map((x) => x.concurrentCpuUs))
  }
  return [...results.values()]
}

/** Untimed: sequential and concurrent searches, so the JIT, sockets and pools are warm. */
export async function smallWarmup(client: BenchClient, options: SmallOptions): Promise<void> {
  for (let i = 0; i < options.warmup; i++) await client.search()
  await concurrent(client, options.warmup, options.concurrency)
}

/** One round in the contender's process: sequential latencies, then concurrent throughput. */
export async function smallRound(client: BenchClient, options: SmallOptions): Promise<SmallRound> {
  global.gc?.()
  const cpu0 = process.cpuUsage()
  const latencies = new Array<number>(options.sequential)
  for (let i = 0; i < options.sequential; i++) {
    const start = process.hrtime.bigint()
    await client.search()
    latencies[i] = Number(process.hrtime.bigint() - start) / 1000
  }
  const sequentialCpu = process.cpuUsage(cpu0)
  global.gc?.()
  const cpu1 = process.cpuUsage()
  const start = process.hrtime.bigint()
  await concurrent(client, options.concurrent, options.concurrency)
  const rps = (options.concurrent / msSince(start)) * 1000
  const concurrentCpu = process.cpuUsage(cpu1)
  const us = (cpu: NodeJS.CpuUsage): number => cpu.user + cpu.system
  return {
    p50Us: percentile(latencies, 50),
    p99Us: percentile(latencies, 99),
    rps,
    cpuUs: (us(sequentialCpu) + us(concurrentCpu)) / (options.sequential + options.concurrent),
    sequentialCpuUs: us(sequentialCpu) / options.sequential,
    concurrentCpuUs: us(concurrentCpu) / options.concurrent,
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
