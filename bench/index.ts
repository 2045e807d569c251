/**
 * `npm run bench`: one run of every section against a fast local server on loopback, contenders
 * alternated round by round, medians and ratios printed as tables and written to
 * bench/results/latest.json, PASS/MISS per target.
 *
 *   BENCH_QUICK=1   a short smoke run (fewer documents, rounds and processes)
 *   BENCH_ONLY=...  comma-separated sections: signing,hash,memory,import,small,bulk,proxy
 *   BENCH_STRICT=1  also exit non-zero when a target is missed
 *   BENCH_MAX_ROUNDS=N  the cap on rounds of small and bulk (default 15)
 *
 * Small and bulk run rounds until the spread (interquartile range over median) of every
 * watched pair's per-round ratio is under 3%, or a cap is reached (rounds.ts). Wall clock is
 * reported beside the main thread's CPU (schedstat) and event-loop utilisation: on a shared
 * machine, CPU per document is what the targets of issue 22 are judged on when wall clock is
 * noisy.
 *
 * Exits non-zero when any contender or section fails (an error, or a bulk that did not index
 * every document).
 */
import { execFileSync, fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bulkWallRatio, runBulk } from './bulk'
import type { BulkResult, BulkRoundRecord } from './bulk'
import { runColdStart, runImportCost, runMemory } from './children'
import type { ColdStartResult, ImportResult, MemoryResult } from './children'
import * as C from './contenders'
import { buildDist } from './dist'
import { loadAverage, mainThreadCpuSource } from './cpu'
import { hashPathsTable, runHashPaths } from './hash-paths'
import type { HashPathsResult } from './hash-paths'
import { pairValues, spreadOf } from './rounds'
import type { PairSpec, RoundsOutcome, Spread } from './rounds'
import { runSigning } from './signing'
import type { SigningResult } from './signing'
import { runSmall, smallP50Ratio, smallRpsRatio } from './small'
import { proxyTables, proxyTargets, runProxyBench } from './proxy'
import type { ProxyBenchResult } from './proxy'
import { installLegacy } from './legacy'
import type { SmallResult, SmallRound } from './small'
import { fmt, fmtInt, log, msSince, ratio, table } from './util'

const ROOT = path.resolve(__dirname, '..')
const QUICK = process.env.BENCH_QUICK === '1'
const STRICT = process.env.BENCH_STRICT === '1'
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim())
const run = (section: string): boolean => ONLY === undefined || ONLY.includes(section)

/** Rounds until every watched pair's spread is under 3%, or a cap (rounds.ts). */
const ROUNDS = {
  minRounds: QUICK ? 2 : 5,
  maxRounds: QUICK ? 3 : Number(process.env.BENCH_MAX_ROUNDS ?? 15),
  maxMs: (QUICK ? 1 : 8) * 60_000,
  targetSpread: 0.03,
}

const CONFIG = {
  quick: QUICK,
  rounds: ROUNDS,
  bulk: {
    docs: QUICK ? 10_000 : 100_000,
    warmupDocs: QUICK ? 2_000 : 10_000,
  },
  small: {
    sequential: QUICK ? 300 : 1_500,
    concurrent: QUICK ? 1_000 : 6_000,
    concurrency: 64,
    warmup: QUICK ? 100 : 500,
  },
  signing: { rounds: QUICK ? 3 : 7, batchMs: QUICK ? 30 : 100 },
  memory: { runs: QUICK ? 1 : 3 },
  import: { runs: QUICK ? 5 : 21 },
  coldStart: { runs: QUICK ? 3 : 9 },
  proxy: {
    small: {
      rounds: QUICK ? 2 : 5,
      sequential: QUICK ? 300 : 1_500,
      concurrent: QUICK ? 1_000 : 6_000,
      concurrency: 64,
      warmup: QUICK ? 100 : 500,
    },
    bulk: {
      docs: QUICK ? 10_000 : 50_000,
      rounds: QUICK ? 2 : 5,
      warmupDocs: QUICK ? 2_000 : 5_000,
    },
    rss: { concurrent: 16, bytes: 10 * 1024 * 1024, waves: QUICK ? 1 : 3, smallBudget: '40mb' },
  },
}

/**
 * Contenders that are compared run in one group, back to back in every round: each signed
 * contender beside its own client unsigned and beside the signer its users would otherwise run.
 */
const BULK_GROUPS = [
  [C.ES_UNDICI, C.ES_UNDICI_SIGNED, C.ES_UNDICI_FLOOR],
  [C.ES_HTTP, C.ES_HTTP_SIGNED],
  [C.ES_GZIP, C.ES_GZIP_SIGNED],
  [C.OPENSEARCH, C.OPENSEARCH_SIGNED, C.OPENSEARCH_OURS],
  [C.ES7, C.ES7_SIGNED, C.ES7_LEGACY],
]
const SMALL_GROUPS = [
  [C.ES_UNDICI, C.ES_UNDICI_SIGNED, C.ES_UNDICI_FLOOR],
  [C.ES_HTTP, C.ES_HTTP_SIGNED],
  [C.OPENSEARCH, C.OPENSEARCH_SIGNED, C.OPENSEARCH_OURS],
  [C.ES7, C.ES7_SIGNED, C.ES7_LEGACY],
]

/** Pairs: [name, ours, baseline, watched (decides when the rounds stop)]. */
const PAIRS: [string, string, string, boolean][] = [
  ['ours / unsigned, Undici', 'es-undici-sigv4', 'es-undici', true],
  ['ours / unsigned, Http', 'es-http-sigv4', 'es-http', true],
  ['floor / unsigned, Undici', 'es-undici-floor', 'es-undici', false],
  ['ours / unsigned, Undici + gzip', 'es-undici-gzip-sigv4', 'es-undici-gzip', false],
  ['OpenSearch client: ours / AwsSigv4Signer', 'opensearch-ours', 'opensearch-sigv4', true],
  ['OpenSearch client: ours / unsigned', 'opensearch-ours', 'opensearch', false],
  ['OpenSearch client: AwsSigv4Signer / unsigned', 'opensearch-sigv4', 'opensearch', false],
  ['7.17 + ours / 7.13 + aws-elasticsearch-connector', 'es717-sigv4', 'es7130-aws-connector', true],
  ['7.17: ours / unsigned', 'es717-sigv4', 'es717', false],
]
const inGroups = (groups: C.Contender[][], id: string): boolean =>
  groups.some((g) => g.some((c) => c.id === id))
const BULK_PAIRS: PairSpec<BulkRoundRecord>[] = PAIRS.filter(
  ([, a, b]) => inGroups(BULK_GROUPS, a) && inGroups(BULK_GROUPS, b),
).map(([name, a, b]) => ({ name, a, b, ratio: bulkWallRatio }))
const SMALL_PAIRS: PairSpec<SmallRound>[] = PAIRS.filter(
  ([, a, b]) => inGroups(SMALL_GROUPS, a) && inGroups(SMALL_GROUPS, b),
).map(([name, a, b]) => ({ name, a, b, ratio: smallRpsRatio }))
/** The pairs whose spread decides when the rounds stop. */
const watched = <R>(pairs: PairSpec<R>[]): PairSpec<R>[] =>
  pairs.filter((p) => PAIRS.find(([name]) => name === p.name)?.[3])
/** Sequential p50 is watched too for the two bases (its own ratio, beside x64 req/s). */
const SMALL_WATCHED: PairSpec<SmallRound>[] = [
  ...watched(SMALL_PAIRS),
  ...SMALL_PAIRS.slice(0, 2).map((p) => ({ ...p, name: `${p.name} (p50)`, ratio: smallP50Ratio })),
]

interface Target {
  name: string
  value: string
  goal: string
  pass: boolean
  /** How steady the value is (spread of the per-round pairs), or its inputs. */
  detail: string
  /** The CPU figures beside the value (steadier than wall clock on a shared machine). */
  cpu: string
}

interface PairResult {
  name: string
  a: string
  b: string
  wall: Spread
  /** Per-round differences a − b, µs per document (bulk) or per request (small). */
  mainCpuDiffUs: Spread
  processCpuDiffUs: Spread
  /** Small only: sequential p50 difference, µs, and per-phase main-thread CPU differences. */
  p50DiffUs?: Spread
  p50Ratio?: Spread
  sequentialMainCpuDiffUs?: Spread
}

interface Results {
  meta: Record<string, unknown>
  signing?: SigningResult[]
  hashPaths?: HashPathsResult
  memory?: MemoryResult[]
  import?: ImportResult
  coldStart?: ColdStartResult
  small?: SmallResult[]
  smallRounds?: RoundsOutcome
  smallPairs?: PairResult[]
  bulk?: BulkResult[]
  bulkRounds?: RoundsOutcome
  bulkPairs?: PairResult[]
  proxy?: ProxyBenchResult
  targets: Target[]
  errors: { section: string; message: string }[]
}

async function startServer(): Promise<{ child: ChildProcess; node: string }> {
  const child = fork(path.join(__dirname, 'server.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port))
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
    child.once('error', reject)
  })
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM')
      log(`bench server exited unexpectedly (${code ?? signal})`)
  })
  return { child, node: `http://127.0.0.1:${port}` }
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim()
  } catch {
    return 'unknown'
  }
}

async function main(): Promise<number> {
  const started = process.hrtime.bigint()
  const results: Results = {
    meta: {
      date: new Date().toISOString(),
      commit: gitCommit(),
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      loadAverageAtStart: loadAverage(),
      gcExposed: typeof global.gc === 'function',
      mainThreadCpu: mainThreadCpuSource(),
      config: CONFIG,
    },
    targets: [],
    errors: [],
  }
  const section = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    if (!run(name)) return undefined
    const start = process.hrtime.bigint()
    log(`section ${name}… (load ${loadAverage().join(' ')})`)
    try {
      return await fn()
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err)
      log(`section ${name} FAILED: ${message}`)
      results.errors.push({ section: name, message })
      return undefined
    } finally {
      log(`section ${name} took ${(msSince(start) / 1000).toFixed(1)} s`)
    }
  }

  const server = await startServer()
  try {
    // Everything below measures the compiled package; without it there is nothing to measure.
    log('building lib/ into bench/results/dist…')
    buildDist()
    if (run('small') || run('bulk')) installLegacy()
    results.signing = await section('signing', () => runSigning(CONFIG.signing))
    results.hashPaths = await section('hash', () => runHashPaths({ rounds: CONFIG.signing.rounds }))
    results.memory = await section('memory', () => runMemory(CONFIG.memory.runs))
    results.import = await section('import', () => runImportCost(CONFIG.import.runs))
    results.coldStart = await section('import', () =>
      runColdStart(server.node, CONFIG.coldStart.runs),
    )
    const small = await section('small', () =>
      runSmall(SMALL_GROUPS, SMALL_WATCHED, {
        node: server.node,
        ...CONFIG.small,
        rounds: ROUNDS,
      }),
    )
    if (small) {
      results.small = small.results
      results.smallRounds = small.outcome
      results.smallPairs = SMALL_PAIRS.flatMap((p) => pairOf(small.results, p, smallPair))
    }
    for (const r of results.small ?? []) {
      if (r.error) results.errors.push({ section: `small ${r.id}`, message: r.error })
    }
    const bulk = await section('bulk', () =>
      runBulk(BULK_GROUPS, watched(BULK_PAIRS), {
        node: server.node,
        serverPid: server.child.pid,
        docs: CONFIG.bulk.docs,
        rounds: ROUNDS,
        warmupDocs: CONFIG.bulk.warmupDocs,
      }),
    )
    if (bulk) {
      results.bulk = bulk.results
      results.bulkRounds = bulk.outcome
      results.bulkPairs = BULK_PAIRS.flatMap((p) => pairOf(bulk.results, p, bulkPair))
    }
    for (const r of results.bulk ?? []) {
      if (r.error) results.errors.push({ section: `bulk ${r.id}`, message: r.error })
    }
    results.proxy = await section('proxy', () =>
      runProxyBench({ server: server.node, ...CONFIG.proxy }),
    )
  } finally {
    server.child.kill('SIGTERM')
  }

  results.meta.loadAverageAtEnd = loadAverage()
  results.meta.durationSec = msSince(started) / 1000
  results.targets = evaluateTargets(results)
  printReport(results)
  const dir = path.join(__dirname, 'results')
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(results, null, 2) + '\n')
  log(`wrote ${path.relative(ROOT, path.join(dir, 'latest.json'))}`)

  if (results.errors.length > 0) {
    log(
      `${results.errors.length} section(s) failed: ${results.errors.map((e) => e.section).join(', ')}`,
    )
    return 1
  }
  if (STRICT && results.targets.some((t) => !t.pass)) return 2
  return 0
}

/** A pair's figures from the rounds both of its contenders completed. */
function pairOf<T extends { id: string }>(
  results: T[],
  pair: { name: string; a: string; b: string },
  build: (name: string, a: T, b: T) => PairResult,
): PairResult[] {
  const a = results.find((r) => r.id === pair.a)
  const b = results.find((r) => r.id === pair.b)
  return a && b ? [build(pair.name, a, b)] : []
}

/** Per-round values of `f(a round, b round)` over the rounds both completed. */
function perRound<R>(a: (R | null)[], b: (R | null)[], f: (x: R, y: R) => number): Spread {
  const table = new Map<string, (R | undefined)[]>([
    ['a', a.map((x) => x ?? undefined)],
    ['b', b.map((x) => x ?? undefined)],
  ])
  return spreadOf(pairValues(table, { name: '', a: 'a', b: 'b', ratio: f }))
}

function bulkPair(name: string, a: BulkResult, b: BulkResult): PairResult {
  const usPerDoc = (ms: number): number => (ms * 1000) / CONFIG.bulk.docs
  return {
    name,
    a: a.id,
    b: b.id,
    wall: perRound(a.rounds, b.rounds, bulkWallRatio),
    mainCpuDiffUs: perRound(a.rounds, b.rounds, (x, y) => usPerDoc(x.mainCpuMs - y.mainCpuMs)),
    processCpuDiffUs: perRound(a.rounds, b.rounds, (x, y) =>
      usPerDoc(x.clientCpuMs - y.clientCpuMs),
    ),
  }
}

function smallPair(name: string, a: SmallResult, b: SmallResult): PairResult {
  return {
    name,
    a: a.id,
    b: b.id,
    wall: perRound(a.rounds, b.rounds, smallRpsRatio),
    mainCpuDiffUs: perRound(
      a.rounds,
      b.rounds,
      (x, y) => x.concurrentMainCpuUs - y.concurrentMainCpuUs,
    ),
    processCpuDiffUs: perRound(a.rounds, b.rounds, (x, y) => x.concurrentCpuUs - y.concurrentCpuUs),
    p50DiffUs: perRound(a.rounds, b.rounds, (x, y) => x.p50Us - y.p50Us),
    p50Ratio: perRound(a.rounds, b.rounds, smallP50Ratio),
    sequentialMainCpuDiffUs: perRound(
      a.rounds,
      b.rounds,
      (x, y) => x.sequentialMainCpuUs - y.sequentialMainCpuUs,
    ),
  }
}

/** A difference with its sign: `+12`, `-3`. */
function plusMinus(value: number, digits = 0): string {
  return `${value >= 0 ? '+' : ''}${fmt(value, digits)}`
}

/** `spread 1.2% over 7 rounds (0.981–1.004)`. */
function spreadText(s: Spread, show: (x: number) => string = (x) => x.toFixed(3)): string {
  return `spread ${(s.spread * 100).toFixed(1)}% over ${s.n} rounds (${show(s.min)}–${show(s.max)})`
}

/** `IQR 0.12` for a difference, whose spread relative to a median near 0 says nothing. */
function iqrText(s: Spread, digits: number): string {
  return `IQR ${fmt(s.q3 - s.q1, digits)} over ${s.n} rounds`
}

function evaluateTargets(r: Results): Target[] {
  const targets: Target[] = []
  const add = (
    t: Omit<Target, 'pass' | 'value'> & { value: number; pass: boolean },
    show = ratio,
  ): void => {
    if (Number.isFinite(t.value)) targets.push({ ...t, value: show(t.value) })
  }
  const bulk = (name: string): PairResult | undefined => r.bulkPairs?.find((p) => p.name === name)
  const small = (name: string): PairResult | undefined => r.smallPairs?.find((p) => p.name === name)
  const bulkOf = (id: string): BulkResult | undefined => r.bulk?.find((b) => b.id === id)
  const sign = (id: string): SigningResult | undefined => r.signing?.find((s) => s.id === id)
  const mainCpu = (p: PairResult): string => {
    const a = bulkOf(p.a)
    const b = bulkOf(p.b)
    return a && b
      ? `main thread ${fmt(a.mainCpuUsPerDoc, 2)} vs ${fmt(b.mainCpuUsPerDoc, 2)} µs/doc (${plusMinus(p.mainCpuDiffUs.median, 2)}); process ${plusMinus(p.processCpuDiffUs.median, 2)}`
      : ''
  }

  for (const [base, goal] of [
    ['Undici', 0.99],
    ['Http', 0.98],
  ] as const) {
    const p = bulk(`ours / unsigned, ${base}`)
    if (!p) continue
    add({
      name: `bulk 1 KB docs, ours / unsigned, ${base}`,
      value: p.wall.median,
      goal: `>= ${goal.toFixed(2)}`,
      pass: p.wall.median >= goal,
      detail: spreadText(p.wall),
      cpu: mainCpu(p),
    })
  }
  for (const base of ['Undici', 'Http']) {
    const p = bulk(`ours / unsigned, ${base}`)
    if (!p) continue
    const d = p.mainCpuDiffUs
    add(
      {
        name: `main-thread CPU per bulk doc, ours − unsigned, ${base} (µs)`,
        value: d.median,
        goal: '<= +0.15',
        pass: d.median <= 0.15,
        detail: iqrText(d, 2),
        cpu: mainCpu(p),
      },
      (x) => plusMinus(x, 2),
    )
  }
  for (const id of ['10mb', '10mb-buffer']) {
    const s = sign(id)
    if (!s) continue
    // For a string, the unsigned base encodes it on the main thread; signing that encodes it
    // once in its place adds only what is beyond that encoding.
    const added = s.oursMainUs - (s.baseEncodeMainUs ?? 0)
    add(
      {
        name: `${s.label} body: main thread blocked while hashing (ms)`,
        value: added / 1000,
        goal: '<= 1',
        pass: added <= 1000,
        detail:
          s.baseEncodeMainUs === undefined
            ? `sign() main thread ${fmt(s.oursMainUs / 1000, 2)} ms`
            : `sign() main thread ${fmt(s.oursMainUs / 1000, 2)} ms − the base's own encoding ${fmt(s.baseEncodeMainUs / 1000, 2)} ms`,
        cpu: `synchronous hash ${fmt(s.nativeSha256Us / 1000, 2)} ms`,
      },
      (x) => fmt(x, 2),
    )
  }
  for (const base of ['Undici', 'Http']) {
    const p = small(`ours / unsigned, ${base}`)
    if (!p) continue
    add({
      name: `64 in flight, ours / unsigned, ${base}`,
      value: p.wall.median,
      goal: '>= 0.97',
      pass: p.wall.median >= 0.97,
      detail: spreadText(p.wall),
      cpu: `main thread ${plusMinus(p.mainCpuDiffUs.median, 1)} µs/req; process ${plusMinus(p.processCpuDiffUs.median, 1)}`,
    })
  }
  for (const base of ['Undici', 'Http']) {
    const p = small(`ours / unsigned, ${base}`)
    if (!p?.p50DiffUs) continue
    add(
      {
        name: `sequential p50, ours − unsigned, ${base} (µs)`,
        value: p.p50DiffUs.median,
        goal: '<= +15',
        pass: p.p50DiffUs.median <= 15,
        detail: `${iqrText(p.p50DiffUs, 0)}; p50 ratio ${spreadText(p.p50Ratio!)}`,
        cpu: `main thread ${plusMinus(p.sequentialMainCpuDiffUs!.median, 1)} µs/req`,
      },
      (x) => plusMinus(x, 0),
    )
  }
  for (const [name, label] of [
    ['OpenSearch client: ours / AwsSigv4Signer', 'OpenSearch client: ours / its AwsSigv4Signer'],
    [
      '7.17 + ours / 7.13 + aws-elasticsearch-connector',
      '7.17 + ours / 7.13 + aws-elasticsearch-connector',
    ],
  ]) {
    const b = bulk(name)
    if (b) {
      add({
        name: `${label}, bulk`,
        value: b.wall.median,
        goal: '>= 1.05',
        pass: b.wall.median >= 1.05,
        detail: spreadText(b.wall),
        cpu: mainCpu(b),
      })
    }
    const s = small(name)
    if (s) {
      add({
        name: `${label}, x64 search`,
        value: s.wall.median,
        goal: '>= 1.05',
        pass: s.wall.median >= 1.05,
        detail: spreadText(s.wall),
        cpu: `main thread ${plusMinus(s.mainCpuDiffUs.median, 1)} µs/req`,
      })
    }
  }
  // Earlier issues' targets, kept as regression guards.
  const small1k = sign('1kb')
  if (small1k) {
    const v = small1k.oursUs / small1k.aws4Us
    add({
      name: 'sign small request (1 KB): ours / aws4.sign (CPU)',
      value: v,
      goal: '<= 1.00',
      pass: v <= 1,
      detail: '',
      cpu: `${fmt(small1k.oursUs)} vs ${fmt(small1k.aws4Us)} µs CPU`,
    })
  }
  if (r.proxy) targets.push(...proxyTargets(r.proxy).map((t) => ({ ...t, detail: '' })))
  if (r.import) {
    const v = r.import.addedFraction
    add(
      {
        name: 'import: added to loading @elastic/elasticsearch',
        value: v,
        goal: '<= +10%',
        pass: v <= 0.1,
        detail: '',
        cpu: `${fmt(r.import.packageCpuMs - r.import.clientCpuMs)} ms CPU added`,
      },
      (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`,
    )
  }
  return targets
}

function printReport(r: Results): void {
  const out: string[] = []
  const m = r.meta
  out.push(
    `elasticsearch-aws-sigv4 bench — ${m.date} — commit ${m.commit} — Node ${m.node} — ` +
      `${m.cpus} × ${m.cpuModel} — load avg ${(m.loadAverageAtStart as number[]).join(' ')} → ` +
      `${(m.loadAverageAtEnd as number[]).join(' ')} — ${QUICK ? 'QUICK' : 'full'} run, ` +
      `${(m.durationSec as number).toFixed(0)} s — main-thread CPU from ${m.mainThreadCpu}`,
  )
  const roundsText = (o: RoundsOutcome | undefined): string =>
    o ? `${o.rounds} rounds (stopped: ${o.stoppedBecause})` : ''
  if (r.bulk) {
    out.push(
      table(
        `1/4. helpers.bulk of ${fmtInt(CONFIG.bulk.docs)} ~1 KB documents, medians of ${roundsText(r.bulkRounds)}`,
        [
          'contender',
          'docs/s',
          'main thread µs/doc',
          'process CPU µs/doc',
          'ELU',
          'server CPU µs/doc',
        ],
        r.bulk.map((b) => [
          b.label,
          b.error ? 'FAILED' : fmtInt(b.docsPerSec),
          fmt(b.mainCpuUsPerDoc, 2),
          fmt(b.clientCpuUsPerDoc, 2),
          fmt(b.elu, 2),
          fmt(b.serverCpuUsPerDoc, 2),
        ]),
      ),
    )
    out.push(
      pairTable(
        '1/4. bulk pairs, per-round ratios (docs/s) and differences (µs/doc)',
        r.bulkPairs ?? [],
        2,
      ),
    )
  }
  if (r.small) {
    out.push(
      table(
        `2/4. search, sequential (${fmtInt(CONFIG.small.sequential)}/round) and ${CONFIG.small.concurrency} concurrent (${fmtInt(CONFIG.small.concurrent)}/round), medians of ${roundsText(r.smallRounds)}`,
        [
          'contender',
          'p50 µs',
          'p99 µs',
          `x${CONFIG.small.concurrency} req/s`,
          'main µs/req seq',
          `main µs/req x${CONFIG.small.concurrency}`,
          `process µs/req x${CONFIG.small.concurrency}`,
        ],
        r.small.map((s) => [
          s.label,
          s.error ? 'FAILED' : fmtInt(s.p50Us),
          fmtInt(s.p99Us),
          fmtInt(s.concurrentRps),
          fmtInt(s.sequentialMainCpuUs),
          fmtInt(s.concurrentMainCpuUs),
          fmtInt(s.concurrentCpuUs),
        ]),
      ),
    )
    out.push(
      table(
        '2/4. search pairs: medians of per-round x64 req/s ratios, p50 and main-thread CPU differences',
        [
          'pair',
          `x${CONFIG.small.concurrency} req/s`,
          'spread',
          'p50 µs',
          'main µs/req seq',
          `main µs/req x${CONFIG.small.concurrency}`,
        ],
        (r.smallPairs ?? []).map((p) => [
          p.name,
          ratio(p.wall.median),
          `${(p.wall.spread * 100).toFixed(1)}%`,
          plusMinus(p.p50DiffUs?.median ?? NaN),
          plusMinus(p.sequentialMainCpuDiffUs?.median ?? NaN, 1),
          plusMinus(p.mainCpuDiffUs.median, 1),
        ]),
      ),
    )
  }
  if (r.signing) {
    out.push(
      table(
        `3. signing one POST /_bulk in-process (µs/op, median of ${CONFIG.signing.rounds} rounds): process CPU, and ours on the main thread`,
        [
          'body',
          'ours',
          'ours main thread',
          'base encode',
          'native SHA-256',
          'ours/native',
          'aws4.sign',
          'ours/aws4',
          'ours wall',
        ],
        r.signing.map((s) => [
          s.label,
          fmt(s.oursUs),
          fmt(s.oursMainUs),
          s.baseEncodeMainUs === undefined ? '' : fmt(s.baseEncodeMainUs),
          fmt(s.nativeSha256Us),
          ratio(s.oursUs / s.nativeSha256Us),
          fmt(s.aws4Us),
          ratio(s.oursUs / s.aws4Us),
          fmt(s.wallUs.ours),
        ]),
      ),
    )
  }
  if (r.hashPaths) out.push(hashPathsTable(r.hashPaths))
  if (r.memory) {
    out.push(
      table(
        '3. memory for one 10 MB body, fresh process each (peak RSS growth / arrayBuffers delta, MB)',
        ['body', 'native SHA-256', 'ours', 'aws4.sign'],
        r.memory.map((x) => [
          x.label,
          `${fmt(x.peakRssGrowthMb.native)} / ${fmt(x.arrayBuffersDeltaMb.native)}`,
          `${fmt(x.peakRssGrowthMb.ours)} / ${fmt(x.arrayBuffersDeltaMb.ours)}`,
          `${fmt(x.peakRssGrowthMb.aws4)} / ${fmt(x.arrayBuffersDeltaMb.aws4)}`,
        ]),
      ),
    )
  }
  if (r.import) {
    const rows = [
      ['require @elastic/elasticsearch', fmt(r.import.clientMs), ''],
      [
        'require elasticsearch-aws-sigv4 (loads the client too)',
        fmt(r.import.packageMs),
        `+${fmt(r.import.packageMs - r.import.clientMs)} ms`,
      ],
      ['  same two, CPU ms: @elastic/elasticsearch', fmt(r.import.clientCpuMs), ''],
      [
        '  same two, CPU ms: elasticsearch-aws-sigv4',
        fmt(r.import.packageCpuMs),
        `+${fmt(r.import.packageCpuMs - r.import.clientCpuMs)} ms`,
      ],
    ]
    if (r.coldStart) {
      for (const kind of ['unsigned', 'signed'] as const) {
        const c = r.coldStart[kind]
        rows.push([`cold start ${kind}: load + new Client`, fmt(c.loadMs), ''])
        rows.push([`cold start ${kind}: first search`, fmt(c.firstRequestMs), ''])
        rows.push([`cold start ${kind}: process start → first response`, fmt(c.totalMs), ''])
      }
    }
    out.push(
      table(
        `5. import and cold start, fresh node processes (median ms of ${r.import.runs} / ${r.coldStart?.runs ?? 0})`,
        ['measure', 'ms', 'added'],
        rows,
      ),
    )
  }
  if (r.proxy) out.push(...proxyTables(r.proxy, table, { server: '', ...CONFIG.proxy }))
  out.push(
    table(
      'Targets',
      ['target', 'value', 'goal', 'result', 'steadiness', 'CPU'],
      r.targets.map((t) => [t.name, t.value, t.goal, t.pass ? 'PASS' : 'MISS', t.detail, t.cpu]),
    ),
  )
  if (r.errors.length > 0) {
    out.push(`\nERRORS:\n${r.errors.map((e) => `  [${e.section}] ${e.message}`).join('\n')}`)
  }
  process.stdout.write(out.join('\n') + '\n')
}

function pairTable(title: string, pairs: PairResult[], digits: number): string {
  return table(
    title,
    ['pair', 'ratio', 'spread', 'min–max', 'main thread Δ', 'process Δ'],
    pairs.map((p) => [
      p.name,
      ratio(p.wall.median),
      `${(p.wall.spread * 100).toFixed(1)}%`,
      `${p.wall.min.toFixed(3)}–${p.wall.max.toFixed(3)}`,
      plusMinus(p.mainCpuDiffUs.median, digits),
      plusMinus(p.processCpuDiffUs.median, digits),
    ]),
  )
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
