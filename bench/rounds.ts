/**
 * Rounds until the figures are steady: every contender runs once per round, in groups whose
 * members run back to back (a signed contender beside its baseline and its rival), and rounds
 * are added until the per-round ratio of every watched pair has a spread under the target, or a
 * cap (rounds or time) is reached. On a shared 2-core machine another process's burst moves one
 * round; pairing within the round cancels slow drift, and the spread says how far to trust the
 * median.
 */
import { log, msSince } from './util'

/** A ratio of two contenders from the same round (above 1: `a` does better than `b`). */
export interface PairSpec<R> {
  name: string
  a: string
  b: string
  ratio(a: R, b: R): number
}

/**
 * Quartiles of a sample and its spread: the interquartile range relative to the median, so
 * `spread < 0.03` means the middle half of the rounds lies within 3% of the median. A single
 * disturbed round moves neither the median nor the spread much.
 */
export interface Spread {
  n: number
  median: number
  q1: number
  q3: number
  min: number
  max: number
  spread: number
}

/** The value at fraction `q` of the sorted sample, interpolated between neighbours. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo)
}

export function spreadOf(values: number[]): Spread {
  const sorted = Float64Array.from(values.filter(Number.isFinite)).sort()
  const median = quantile(sorted, 0.5)
  const q1 = quantile(sorted, 0.25)
  const q3 = quantile(sorted, 0.75)
  return {
    n: sorted.length,
    median,
    q1,
    q3,
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    spread: Math.abs((q3 - q1) / median),
  }
}

export interface RoundsOptions {
  minRounds: number
  maxRounds: number
  /** No new round starts after this many ms of rounds. */
  maxMs: number
  /** Stop once every watched pair's spread is below this (0.03: 3%). */
  targetSpread: number
}

export interface RoundsOutcome {
  rounds: number
  /** Why the rounds stopped: steady, or which cap was reached. */
  stoppedBecause: 'steady' | 'round cap' | 'time cap'
}

/** Per contender id, its result of each round (undefined where it failed or was skipped). */
export type RoundTable<R> = Map<string, (R | undefined)[]>

/** The per-round values of a pair, from the rounds both contenders completed. */
export function pairValues<R>(table: RoundTable<R>, pair: PairSpec<R>): number[] {
  const a = table.get(pair.a) ?? []
  const b = table.get(pair.b) ?? []
  const out: number[] = []
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (x !== undefined && y !== undefined) out.push(pair.ratio(x, y))
  }
  return out
}

/**
 * The running order of one round: the groups rotate, and so do the members of each group, so
 * every contender runs first, last and beside each of its group in turn.
 */
export function scheduleGroups<T>(groups: readonly (readonly T[])[], round: number): T[] {
  const rotate = <X>(items: readonly X[], k: number): X[] => {
    const s = items.length === 0 ? 0 : k % items.length
    return [...items.slice(s), ...items.slice(0, s)]
  }
  return rotate(groups, round).flatMap((g) => rotate(g, round))
}

export async function runRounds<R>(options: {
  section: string
  groups: readonly (readonly string[])[]
  pairs: readonly PairSpec<R>[]
  rounds: RoundsOptions
  /** Runs one contender's round; undefined when it cannot (it failed before). */
  runOne(id: string, round: number): Promise<R | undefined>
}): Promise<{ table: RoundTable<R>; outcome: RoundsOutcome }> {
  const { section, groups, pairs, rounds } = options
  const table: RoundTable<R> = new Map(groups.flat().map((id) => [id, []]))
  const start = process.hrtime.bigint()
  let round = 0
  let stoppedBecause: RoundsOutcome['stoppedBecause'] = 'round cap'
  while (round < rounds.maxRounds) {
    for (const id of scheduleGroups(groups, round)) {
      table.get(id)![round] = await options.runOne(id, round)
    }
    round++
    const spreads = pairs
      .map((p) => ({ p, s: spreadOf(pairValues(table, p)) }))
      .filter(({ s }) => s.n > 0)
    log(
      `${section} round ${round}: spread ${spreads.map(({ p, s }) => `${p.name} ${(s.spread * 100).toFixed(1)}%`).join(', ')}`,
    )
    if (round < rounds.minRounds) continue
    if (spreads.every(({ s }) => s.spread < rounds.targetSpread)) {
      stoppedBecause = 'steady'
      break
    }
    if (msSince(start) > rounds.maxMs) {
      stoppedBecause = 'time cap'
      break
    }
  }
  return { table, outcome: { rounds: round, stoppedBecause } }
}
