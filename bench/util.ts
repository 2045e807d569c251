/** Small helpers shared by the benchmark sections: statistics, timing and table output. */

/** The middle value; for an even count, the mean of the two middle values. */
export function median(values: number[]): number {
  if (values.length === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Nearest-rank percentile (p in 0..100) of an unsorted sample. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

/** Elapsed milliseconds since `start` (from `process.hrtime.bigint()`). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6
}

/** Contenders in a different order each round, so slow drift (heat, GC, page cache) hits all alike. */
export function rotate<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}

export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a'
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  })
}

export function fmtInt(value: number): string {
  return fmt(value, 0)
}

export function ratio(value: number, digits = 3): string {
  return Number.isFinite(value) ? `${value.toFixed(digits)}x` : 'n/a'
}

/** A plain-text table with a header row; the first column is left-aligned, the others right. */
export function table(title: string, header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  return [`\n${title}`, line(header), rule, ...rows.map(line)].join('\n')
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`)
}

/** Deterministic pseudo-random numbers (mulberry32), so every run generates the same documents. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
