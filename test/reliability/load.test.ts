import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { startEmulator } from '../../lib/testing'
import type { Emulator } from '../../lib/testing'
import { CREDS, REGION, describeVerdicts } from './support'

/**
 * 10,000 signed requests at concurrency 256 on loopback, from a child process (so the client's
 * heap is measured alone, with a real `gc()`), against the verifying endpoint in this process.
 * Nothing here is timed: the run's duration is printed, never asserted.
 */
const REQUESTS = 10_000
const CONCURRENCY = 256
const WARMUP = 1_000
/**
 * Heap growth allowed between the warmed-up client and the client after the run: what a leak
 * of 400 bytes per request would add (4 MB for 10,000), five times the growth measured (0.5 to
 * 0.8 MB, most of it in the first half: warm-up, not a leak).
 */
const MAX_LEAK_PER_REQUEST = 400
const MAX_HEAP_GROWTH = REQUESTS * MAX_LEAK_PER_REQUEST

interface LoadReport {
  sent: number
  failures: number
  statuses: Record<string, number>
  firstErrors: string[]
  durationMs: number
  heapAfterWarmup: number
  heapAtHalf: number
  heapAfter: number
  rss: number
}

function runChild(url: string): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        join(__dirname, 'load-child.ts'),
        url,
        String(REQUESTS),
        String(CONCURRENCY),
        String(WARMUP),
      ],
      { cwd: join(__dirname, '..', '..'), maxBuffer: 10 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message}\n${stderr}`))
        try {
          resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadReport)
        } catch {
          reject(new Error(`no report from the load child:\n${stdout}\n${stderr}`))
        }
      },
    )
  })
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

describe('reliability: load', function () {
  // A guard against a hang only: the run takes 10-25 s on a shared 2-core machine.
  this.timeout(300_000)
  let emu: Emulator
  before(async () => {
    emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es' })
  })
  after(() => emu.close())

  it(`${REQUESTS} signed requests at concurrency ${CONCURRENCY}: all verified, heap stable`, async () => {
    const report = await runChild(emu.url)
    const growth = report.heapAfter - report.heapAfterWarmup
    console.log(
      `      load: ${report.sent} requests in ${(report.durationMs / 1000).toFixed(1)} s ` +
        `(${Math.round((REQUESTS * 1000) / report.durationMs)}/s) after ${WARMUP} warm-up; heap ` +
        `${mb(report.heapAfterWarmup)} -> ${mb(report.heapAtHalf)} -> ${mb(report.heapAfter)} ` +
        `(growth ${mb(growth)}), rss ${mb(report.rss)}`,
    )
    expect(report.failures, report.firstErrors.join('\n')).to.equal(0)
    expect(report.statuses).to.deep.equal({ ok: REQUESTS + WARMUP })
    expect(emu.verdicts).to.have.length(REQUESTS + WARMUP)
    const bad = emu.verdicts.filter((v) => !v.ok)
    expect(bad.length, describeVerdicts(bad.slice(0, 5))).to.equal(0)
    expect(growth, `heap grew by ${mb(growth)}`).to.be.below(MAX_HEAP_GROWTH)
  })
})
