/**
 * Section 5 (import cost, cold start) and the memory half of section 3. Each measurement runs in
 * a fresh `node` (no tsx loader, so nothing but Node and the package is measured) against the
 * package compiled with `tsconfig.build.json` (see `dist.ts`).
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { CREDENTIALS, REGION } from './contenders'
import { DIST } from './dist'
import { SIGNING_CASES } from './signing'
import { log, median, rotate } from './util'

const ROOT = path.resolve(__dirname, '..')

/** Runs `code` in a fresh `node -e` and parses the JSON it prints last. */
function runNode(code: string, flags: string[] = []): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, '-e', code], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // No tsx loader or NODE_OPTIONS from the parent: a plain process, like an application's.
      env: { ...process.env, NODE_OPTIONS: '' },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d))
    child.stderr.on('data', (d: Buffer) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`child exited with ${code}: ${err.trim()}`))
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? ''))
      } catch {
        reject(new Error(`child printed no result: ${out}${err}`))
      }
    })
  })
}

const ES_ENTRY = require.resolve('@elastic/elasticsearch', { paths: [ROOT] })

export interface ImportResult {
  runs: number
  /** Median ms for `require('@elastic/elasticsearch')` in a fresh process. */
  clientMs: number
  /** Median ms for `require('<dist>/index.js')`, which loads the client too. */
  packageMs: number
  /** (packageMs - clientMs) / clientMs. */
  addedFraction: number
  /** The same two loads in CPU ms (less disturbed by other work on the machine). */
  clientCpuMs: number
  packageCpuMs: number
}

export async function runImportCost(runs: number): Promise<ImportResult> {
  const targets = { client: ES_ENTRY, package: path.join(DIST, 'index.js') }
  const samples: Record<keyof typeof targets, number[]> = { client: [], package: [] }
  const cpu: Record<keyof typeof targets, number[]> = { client: [], package: [] }
  const names = Object.keys(targets) as (keyof typeof targets)[]
  for (let i = 0; i < runs; i++) {
    for (const name of rotate(names, i)) {
      const r = await runNode(
        `const c = process.cpuUsage(); const t = process.hrtime.bigint();` +
          `require(${JSON.stringify(targets[name])});` +
          `const ms = Number(process.hrtime.bigint() - t) / 1e6; const u = process.cpuUsage(c);` +
          `console.log(JSON.stringify({ ms, cpuMs: (u.user + u.system) / 1000 }))`,
      )
      samples[name].push(r.ms)
      cpu[name].push(r.cpuMs)
    }
  }
  const clientMs = median(samples.client)
  const packageMs = median(samples.package)
  log(`import: client ${clientMs.toFixed(1)} ms, package (incl. client) ${packageMs.toFixed(1)} ms`)
  return {
    runs,
    clientMs,
    packageMs,
    addedFraction: (packageMs - clientMs) / clientMs,
    clientCpuMs: median(cpu.client),
    packageCpuMs: median(cpu.package),
  }
}

export interface ColdStartResult {
  runs: number
  signed: { loadMs: number; firstRequestMs: number; totalMs: number }
  unsigned: { loadMs: number; firstRequestMs: number; totalMs: number }
}

/**
 * A fresh process loads the client (and the package), creates a client with static credentials
 * and sends one search: load time, first-request time, and time since process start.
 */
export async function runColdStart(node: string, runs: number): Promise<ColdStartResult> {
  const code = (signed: boolean): string => `
    (async () => {
      const t0 = process.hrtime.bigint()
      const { Client } = require(${JSON.stringify(ES_ENTRY)})
      const options = { node: ${JSON.stringify(node)} }
      ${
        signed
          ? `options.Connection = require(${JSON.stringify(path.join(DIST, 'index.js'))})
              .createAwsSigV4Connection({ region: ${JSON.stringify(REGION)}, credentials: ${JSON.stringify(CREDENTIALS)} })`
          : ''
      }
      const client = new Client(options)
      const t1 = process.hrtime.bigint()
      await client.search({ index: 'bench', query: { match_all: {} } })
      const t2 = process.hrtime.bigint()
      const sinceStart = performance.now()
      await client.close()
      console.log(JSON.stringify({
        loadMs: Number(t1 - t0) / 1e6, firstRequestMs: Number(t2 - t1) / 1e6, totalMs: sinceStart,
      }))
    })().catch((e) => { console.error(e); process.exit(1) })`
  const samples: Record<'signed' | 'unsigned', Record<string, number>[]> = {
    signed: [],
    unsigned: [],
  }
  for (let i = 0; i < runs; i++) {
    for (const kind of rotate(['signed', 'unsigned'] as const, i)) {
      samples[kind].push(await runNode(code(kind === 'signed')))
    }
  }
  const summarize = (s: Record<string, number>[]) => ({
    loadMs: median(s.map((x) => x.loadMs)),
    firstRequestMs: median(s.map((x) => x.firstRequestMs)),
    totalMs: median(s.map((x) => x.totalMs)),
  })
  const result = { runs, signed: summarize(samples.signed), unsigned: summarize(samples.unsigned) }
  log(
    `cold start: signed first request ${result.signed.firstRequestMs.toFixed(1)} ms, ` +
      `unsigned ${result.unsigned.firstRequestMs.toFixed(1)} ms`,
  )
  return result
}

export interface MemoryResult {
  label: string
  bytes: number
  /** Growth of peak RSS (VmHWM) over RSS just before the one operation, MB. */
  peakRssGrowthMb: { native: number; ours: number; aws4: number }
  /** `process.memoryUsage().arrayBuffers` after minus before, MB (Buffers kept alive). */
  arrayBuffersDeltaMb: { native: number; ours: number; aws4: number }
}

/**
 * One 10 MB body, one operation per fresh process (native SHA-256, our signer, aws4), with the
 * peak-RSS mark reset just before it (Linux `clear_refs`): a copy of the body shows up as
 * about 10 MB of growth.
 */
export async function runMemory(runs: number): Promise<MemoryResult[]> {
  const cases = SIGNING_CASES.filter((c) => c.bytes === 10 << 20)
  const results: MemoryResult[] = []
  for (const c of cases) {
    const peak: Record<string, number[]> = { native: [], ours: [], aws4: [] }
    const ab: Record<string, number[]> = { native: [], ours: [], aws4: [] }
    for (let i = 0; i < runs; i++) {
      for (const mode of rotate(['native', 'ours', 'aws4'], i)) {
        const r = await runNode(memoryChild(mode, c.bytes, c.kind), ['--expose-gc'])
        peak[mode].push(r.peakGrowthKb / 1024)
        ab[mode].push(r.arrayBuffersDelta / (1 << 20))
      }
    }
    const pick = (s: Record<string, number[]>) => ({
      native: median(s.native),
      ours: median(s.ours),
      aws4: median(s.aws4),
    })
    const r = {
      label: c.label,
      bytes: c.bytes,
      peakRssGrowthMb: pick(peak),
      arrayBuffersDeltaMb: pick(ab),
    }
    log(`memory ${c.label}: peak RSS growth ${JSON.stringify(r.peakRssGrowthMb)} MB`)
    results.push(r)
  }
  return results
}

function memoryChild(mode: string, bytes: number, kind: 'string' | 'buffer'): string {
  return `
    (async () => {
      const fs = require('fs')
      const { createHash } = require('crypto')
      const aws4 = require('aws4')
      const { RequestSigner } = require(${JSON.stringify(path.join(DIST, 'exchange', 'request-signer.js'))})
      const { CredentialCache } = require(${JSON.stringify(path.join(DIST, 'credentials', 'cache.js'))})
      const { NodeSha256 } = require(${JSON.stringify(path.join(DIST, 'sigv4', 'sha256.js'))})
      const creds = ${JSON.stringify(CREDENTIALS)}
      const signer = new RequestSigner({ credentials: new CredentialCache(creds), maxBodyBytes: 1e9,
        sha256: NodeSha256, now: () => new Date() })
      const host = 'search-bench.us-east-1.es.amazonaws.com'
      const connection = { url: new URL('https://' + host), headers: {},
        target: { region: 'us-east-1', service: 'es', host }, unsignedPayload: false, refusals: 'es' }
      const headers = { 'content-type': 'application/x-ndjson' }
      const ops = {
        native: async (body) => createHash('sha256').update(body).digest('hex'),
        ours: async (body) => signer.sign({ method: 'POST', path: '/_bulk', querystring: '', headers, body }, connection),
        aws4: async (body) => aws4.sign({ host, method: 'POST', path: '/_bulk', headers: { ...headers }, body,
          service: 'es', region: 'us-east-1' }, creds),
      }
      const op = ops[${JSON.stringify(mode)}]
      for (let i = 0; i < 200; i++) await op('{"index":{}}\\n{"a":1}\\n'.repeat(40))
      const buf = Buffer.alloc(${bytes}, '{"index":{"_index":"bench"}}\\n{"message":"the quick brown fox"}\\n')
      let body = ${kind === 'string' ? "buf.toString('latin1')" : 'buf'}
      ${kind === 'string' ? 'buf.fill(0); ' : ''}
      global.gc(); global.gc()
      const status = () => Object.fromEntries(fs.readFileSync('/proc/self/status', 'utf8').split('\\n')
        .filter((l) => /^Vm(HWM|RSS):/.test(l)).map((l) => [l.slice(0, 5), parseInt(l.slice(6))]))
      const ab0 = process.memoryUsage().arrayBuffers
      fs.writeFileSync('/proc/self/clear_refs', '5')
      const before = status()
      const kept = await op(body)
      const after = status()
      const ab1 = process.memoryUsage().arrayBuffers
      if (!kept) throw new Error('no result')
      console.log(JSON.stringify({ peakGrowthKb: after.VmHWM - before.VmRSS, arrayBuffersDelta: ab1 - ab0 }))
    })().catch((e) => { console.error(e); process.exit(1) })`
}
