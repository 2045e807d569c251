/**
 * Section 6: the signing proxy (`elasticsearch-aws-sigv4 proxy`, as built into bench/results/dist
 * and started as users start it, its log on stderr to /dev/null) against, in one run:
 * - the floor: an unsigned pass-through proxy on the same Node HTTP (passthrough.ts);
 * - the same client signing in-process with our Connection, straight to the server.
 * The client is the ES client (UndiciConnection) in a process of its own; each proxy runs in its
 * own process too, so a proxied request crosses three processes. Rounds are interleaved. Then the
 * proxy's peak RSS under 16 concurrent 10 MB bulks, with the default budget and a small one.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { BulkRound } from './bulk'
import type { Contender } from './contenders'
import { CREDENTIALS, ES_UNDICI, ES_UNDICI_SIGNED, REGION } from './contenders'
import { processCpuMs } from './cpu'
import { DIST } from './dist'
import { ContenderProcess } from './isolated'
import type { SmallOptions, SmallRound } from './small'
import { log, median, rotate } from './util'

const ROOT = path.resolve(__dirname, '..')

export interface ProxyBenchOptions {
  server: string
  small: Omit<SmallOptions, 'node'>
  bulk: { docs: number; rounds: number; warmupDocs: number }
  rss: { concurrent: number; bytes: number; waves: number; smallBudget: string }
}

/** One way from the client to the server. */
interface Route {
  id: 'floor' | 'proxy' | 'in-process'
  label: string
  contender: Contender
  /** The proxy in between, if any. */
  proxy?: 'floor' | 'ours'
}

const ROUTES: readonly Route[] = [
  {
    id: 'floor',
    label: 'client → pass-through proxy (unsigned) → server',
    contender: ES_UNDICI,
    proxy: 'floor',
  },
  { id: 'proxy', label: 'client → signing proxy → server', contender: ES_UNDICI, proxy: 'ours' },
  {
    id: 'in-process',
    label: 'client signing in-process (our Connection) → server',
    contender: ES_UNDICI_SIGNED,
  },
]

export interface RouteSmall {
  id: string
  label: string
  rounds: Array<SmallRound & { proxyCpuUs: number }>
  p50Us: number
  p99Us: number
  rps: number
  clientCpuUs: number
  /** CPU of the proxy process per request (both phases), µs. */
  proxyCpuUs: number
}

export interface RouteBulk {
  id: string
  label: string
  rounds: Array<BulkRound & { proxyCpuMs: number }>
  docsPerSec: number
  clientCpuUsPerDoc: number
  proxyCpuUsPerDoc: number
}

export interface RssResult {
  label: string
  /** Bulks sent at once. */
  concurrent: number
  /** RSS of the idle proxy, MB. */
  baseMb: number
  /** Peak RSS while the bulks ran, MB. */
  peakMb: number
  /** The budget it ran with, MB (undefined for the floor, which holds no body). */
  budgetMb?: number
  statuses: Record<string, number>
}

export interface ProxyBenchResult {
  small: RouteSmall[]
  bulk: RouteBulk[]
  rss: RssResult[]
}

/** A proxy process: its URL (the first line it prints) and its pid. */
interface ProxyProcess {
  url: string
  pid: number
  stop(): Promise<void>
}

function startProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<ProxyProcess> {
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)))
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n')[0]
      if (!out.includes('\n')) return
      resolve({
        url: line,
        pid: child.pid as number,
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit')
            child.once('exit', () => done())
            child.kill('SIGTERM')
          }),
      })
    })
  })
}

/** The floor, or the signing proxy as users start it (compiled bin, key in the environment). */
export function startProxy(
  kind: 'floor' | 'ours',
  server: string,
  extra: string[] = [],
): Promise<ProxyProcess> {
  const env = { ...process.env, NODE_OPTIONS: '' }
  if (kind === 'floor') {
    return startProcess(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'passthrough.ts'), server],
      env,
    )
  }
  return startProcess(
    process.execPath,
    [
      path.join(DIST, 'cli', 'main.js'),
      'proxy',
      '--endpoint',
      server,
      '--region',
      REGION,
      '--listen',
      '127.0.0.1:0',
      ...extra,
    ],
    {
      ...env,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PROFILE: '',
    },
  )
}

export async function runProxyBench(options: ProxyBenchOptions): Promise<ProxyBenchResult> {
  const proxies = new Map<'floor' | 'ours', ProxyProcess>()
  const clients = new Map<Route, ContenderProcess>()
  const small = new Map<Route, RouteSmall>()
  const bulk = new Map<Route, RouteBulk>()
  try {
    proxies.set('floor', await startProxy('floor', options.server))
    proxies.set('ours', await startProxy('ours', options.server))
    const nodeOf = (r: Route): string =>
      r.proxy ? (proxies.get(r.proxy) as ProxyProcess).url : options.server
    const pidOf = (r: Route): number | undefined =>
      r.proxy ? proxies.get(r.proxy)?.pid : undefined
    for (const route of ROUTES) {
      const client = await ContenderProcess.start(route.contender.id, nodeOf(route))
      clients.set(route, client)
      await client.call({
        type: 'small-warmup',
        options: { ...options.small, node: nodeOf(route) },
      })
      await client.call({
        type: 'bulk-warmup',
        docs: options.bulk.docs,
        warmupDocs: options.bulk.warmupDocs,
      })
      small.set(route, {
        id: route.id,
        label: route.label,
        rounds: [],
        p50Us: NaN,
        p99Us: NaN,
        rps: NaN,
        clientCpuUs: NaN,
        proxyCpuUs: NaN,
      })
      bulk.set(route, {
        id: route.id,
        label: route.label,
        rounds: [],
        docsPerSec: NaN,
        clientCpuUsPerDoc: NaN,
        proxyCpuUsPerDoc: NaN,
      })
    }
    const perRound = options.small.sequential + options.small.concurrent
    for (let round = 0; round < options.small.rounds; round++) {
      for (const route of rotate(ROUTES, round)) {
        const cpu0 = processCpuMs(pidOf(route))
        const r = await (clients.get(route) as ContenderProcess).call<SmallRound>({
          type: 'small-round',
          options: { ...options.small, node: nodeOf(route) },
        })
        const proxyCpuUs = ((processCpuMs(pidOf(route)) - cpu0) * 1000) / perRound
        small.get(route)?.rounds.push({ ...r, proxyCpuUs })
        log(
          `proxy small ${round + 1}/${options.small.rounds} ${route.id}: p50 ${Math.round(r.p50Us)} µs, ${Math.round(r.rps)} req/s`,
        )
      }
    }
    for (let round = 0; round < options.bulk.rounds; round++) {
      for (const route of rotate(ROUTES, round)) {
        const cpu0 = processCpuMs(pidOf(route))
        const r = await (clients.get(route) as ContenderProcess).call<BulkRound>({
          type: 'bulk-round',
        })
        bulk.get(route)?.rounds.push({ ...r, proxyCpuMs: processCpuMs(pidOf(route)) - cpu0 })
        log(
          `proxy bulk ${round + 1}/${options.bulk.rounds} ${route.id}: ${Math.round((options.bulk.docs / r.ms) * 1000)} docs/s`,
        )
      }
    }
  } finally {
    for (const client of clients.values()) await client.close()
    for (const proxy of proxies.values()) await proxy.stop()
  }
  for (const s of small.values()) {
    s.p50Us = median(s.rounds.map((r) => r.p50Us))
    s.p99Us = median(s.rounds.map((r) => r.p99Us))
    s.rps = median(s.rounds.map((r) => r.rps))
    s.clientCpuUs = median(s.rounds.map((r) => r.cpuUs))
    s.proxyCpuUs = median(s.rounds.map((r) => r.proxyCpuUs))
  }
  for (const b of bulk.values()) {
    b.docsPerSec = median(b.rounds.map((r) => (options.bulk.docs / r.ms) * 1000))
    b.clientCpuUsPerDoc = median(b.rounds.map((r) => (r.clientCpuMs * 1000) / options.bulk.docs))
    b.proxyCpuUsPerDoc = median(b.rounds.map((r) => (r.proxyCpuMs * 1000) / options.bulk.docs))
  }
  const small40 = ['--max-body-bytes', '16mb', '--max-buffered-bytes', options.rss.smallBudget]
  const budget = parseInt(options.rss.smallBudget, 10)
  const n = options.rss.concurrent
  const rss = [
    await rssUnder(options, 'floor', 'pass-through proxy (holds no body)', n),
    await rssUnder(options, 'ours', 'signing proxy, default budget (2 × 100 MiB)', n, [], 200),
    await rssUnder(
      options,
      'ours',
      `signing proxy, --max-buffered-bytes ${options.rss.smallBudget}`,
      n,
      small40,
      budget,
    ),
    await rssUnder(
      options,
      'ours',
      `signing proxy, --max-buffered-bytes ${options.rss.smallBudget}`,
      2 * n,
      small40,
      budget,
    ),
  ]
  return { small: [...small.values()], bulk: [...bulk.values()], rss }
}

/** `{"index":{}}` + a ~1 KB document, repeated to `bytes`: a bulk the bench server counts. */
function bulkBody(bytes: number): Buffer {
  const doc = `{"index":{"_index":"bench"}}\n{"message":"${'x'.repeat(1000)}"}\n`
  return Buffer.from(doc.repeat(Math.floor(bytes / doc.length)))
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`))
  return line === undefined ? NaN : parseInt(line.slice(field.length + 1), 10)
}

/** A fresh proxy, idle RSS, then `concurrent` bulks of `bytes` at once, `waves` times: its peak. */
async function rssUnder(
  options: ProxyBenchOptions,
  kind: 'floor' | 'ours',
  label: string,
  concurrent: number,
  extra: string[] = [],
  budgetMb?: number,
): Promise<RssResult> {
  const proxy = await startProxy(kind, options.server, extra)
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrent })
  const body = bulkBody(options.rss.bytes)
  const statuses: Record<string, number> = {}
  const post = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const url = new URL('/_bulk', proxy.url)
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/x-ndjson', 'content-length': body.length },
        },
        (res) => {
          statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1
          res.resume()
          res.on('end', resolve)
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  try {
    await new Promise((r) => setTimeout(r, 300))
    const baseMb = statusKb(proxy.pid, 'VmRSS') / 1024
    for (let wave = 0; wave < options.rss.waves; wave++) {
      await Promise.all(Array.from({ length: concurrent }, post))
    }
    const peakMb = statusKb(proxy.pid, 'VmHWM') / 1024
    log(
      `proxy rss ${label} x${concurrent}: ${baseMb.toFixed(0)} → peak ${peakMb.toFixed(0)} MB, ${JSON.stringify(statuses)}`,
    )
    return {
      label,
      concurrent,
      baseMb,
      peakMb,
      ...(budgetMb === undefined ? {} : { budgetMb }),
      statuses,
    }
  } finally {
    agent.destroy()
    await proxy.stop()
  }
}

/** A target as index.ts lists it. */
export interface ProxyTarget {
  name: string
  value: string
  goal: string
  pass: boolean
  cpu: string
}

/** Per-round ratios and differences between two routes (they ran back to back each round). */
function pairedRounds<T>(a: T[], b: T[], f: (x: T, y: T) => number): number {
  const n = Math.min(a.length, b.length)
  return median(Array.from({ length: n }, (_, i) => f(a[i], b[i])))
}

const signed = (v: number): string => `${v >= 0 ? '+' : ''}${Math.round(v)}`

export function proxyTargets(r: ProxyBenchResult): ProxyTarget[] {
  const targets: ProxyTarget[] = []
  const small = (id: string): RouteSmall | undefined => r.small.find((s) => s.id === id)
  const bulk = (id: string): RouteBulk | undefined => r.bulk.find((b) => b.id === id)
  const [ps, fs] = [small('proxy'), small('floor')]
  if (ps && fs) {
    const rps = pairedRounds(ps.rounds, fs.rounds, (a, b) => a.rps / b.rps)
    targets.push({
      name: 'proxy: search x64 req/s, signing proxy / pass-through floor (paired rounds)',
      value: `${rps.toFixed(3)}x`,
      goal: '>= 0.90',
      pass: rps >= 0.9,
      cpu: `proxy CPU/req ${Math.round(ps.proxyCpuUs)} vs ${Math.round(fs.proxyCpuUs)} µs`,
    })
    const p50 = pairedRounds(ps.rounds, fs.rounds, (a, b) => a.p50Us - b.p50Us)
    targets.push({
      name: 'proxy: sequential search p50, signing proxy minus floor, µs (paired rounds)',
      value: signed(p50),
      goal: '<= +40',
      pass: p50 <= 40,
      cpu: `proxy CPU/req added ${signed(ps.proxyCpuUs - fs.proxyCpuUs)} µs`,
    })
  }
  const [pb, fb] = [bulk('proxy'), bulk('floor')]
  if (pb && fb) {
    const docs = pairedRounds(pb.rounds, fb.rounds, (a, b) => b.ms / a.ms)
    targets.push({
      name: 'proxy: bulk docs/s (1 KB docs), signing proxy / pass-through floor (paired rounds)',
      value: `${docs.toFixed(3)}x`,
      goal: '>= 0.95',
      pass: docs >= 0.95,
      cpu: `proxy CPU/doc ${pb.proxyCpuUsPerDoc.toFixed(2)} vs ${fb.proxyCpuUsPerDoc.toFixed(2)} µs`,
    })
  }
  // Bounded: with a small budget, twice the bulks in flight (160 MB more) add little to the peak.
  const budgeted = r.rss.filter((x) => x.budgetMb !== undefined && x.budgetMb < 200)
  if (budgeted.length === 2) {
    const [one, two] = budgeted
    const extraInFlightMb = ((two.concurrent - one.concurrent) * 10 * 1024 * 1024) / 1e6
    const added = two.peakMb - two.baseMb - (one.peakMb - one.baseMb)
    targets.push({
      name: `proxy: RSS bounded: peak growth added by ${two.concurrent} instead of ${one.concurrent} concurrent 10 MB bulks (${one.budgetMb} MB budget)`,
      value: `${signed(added)} MB`,
      goal: `<= ${Math.round(extraInFlightMb / 4)} MB`,
      pass: added <= extraInFlightMb / 4,
      cpu: `growth ${Math.round(one.peakMb - one.baseMb)} → ${Math.round(two.peakMb - two.baseMb)} MB; answers ${JSON.stringify(two.statuses)}`,
    })
  }
  return targets
}

/** The section's tables, as index.ts prints them (`table` from util.ts). */
export function proxyTables(
  r: ProxyBenchResult,
  table: (title: string, header: string[], rows: string[][]) => string,
  config: ProxyBenchOptions,
): string[] {
  const fmt = (v: number, d = 0): string =>
    Number.isFinite(v)
      ? v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
      : 'n/a'
  return [
    table(
      `6. proxy: search, sequential (${config.small.sequential}/round) and ${config.small.concurrency} concurrent (${config.small.concurrent}/round), median of ${config.small.rounds} rounds`,
      [
        'route',
        'p50 µs',
        'p99 µs',
        `x${config.small.concurrency} req/s`,
        'client CPU µs/req',
        'proxy CPU µs/req',
      ],
      r.small.map((s) => [
        s.label,
        fmt(s.p50Us),
        fmt(s.p99Us),
        fmt(s.rps),
        fmt(s.clientCpuUs),
        s.id === 'in-process' ? '' : fmt(s.proxyCpuUs),
      ]),
    ),
    table(
      `6. proxy: helpers.bulk of ${config.bulk.docs} ~1 KB documents, median of ${config.bulk.rounds} rounds`,
      ['route', 'docs/s', 'client CPU µs/doc', 'proxy CPU µs/doc'],
      r.bulk.map((b) => [
        b.label,
        fmt(b.docsPerSec),
        fmt(b.clientCpuUsPerDoc, 2),
        b.id === 'in-process' ? '' : fmt(b.proxyCpuUsPerDoc, 2),
      ]),
    ),
    table(
      `6. proxy: RSS under ${config.rss.concurrent} concurrent ${config.rss.bytes / 1024 / 1024} MB bulks, ${config.rss.waves} waves, a fresh process each (MB)`,
      ['proxy', 'idle', 'peak', 'growth', 'answers'],
      r.rss.map((x) => [
        x.label,
        fmt(x.baseMb),
        fmt(x.peakMb),
        fmt(x.peakMb - x.baseMb),
        JSON.stringify(x.statuses),
      ]),
    ),
  ]
}
