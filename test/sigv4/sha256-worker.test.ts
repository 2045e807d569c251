import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { OFFLOAD_MIN_BYTES, Sha256Worker, sha256Worker } from '../../lib/sigv4/sha256-worker'

const sha = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex')
const MB = 1 << 20

/** Text of `length` UTF-16 units with two- to four-byte characters throughout. */
function mixedText(length: number, seed = 0): string {
  const units = ['a', 'é', '€', '😀', '\n', '{"k":"v"}', 'ß']
  let out = ''
  for (let i = seed; out.length < length; i++) out += units[i % units.length]
  return out.slice(0, length - (/[\ud800-\udbff]$/.test(out.slice(0, length)) ? 1 : 0))
}

describe('sha256-worker: hashing off the main thread', function () {
  this.timeout(30_000)

  before(async () => {
    expect(await sha256Worker.ready(), 'the worker starts').to.equal(true)
  })

  it('hashes text as UTF-8 on the worker, and hands back exactly those bytes to send', async () => {
    for (const text of [mixedText(OFFLOAD_MIN_BYTES), mixedText(3 * MB + 5, 3)]) {
      const before = { ...sha256Worker.counts }
      const { hex, bytes } = await sha256Worker.hashText(text)
      expect(sha256Worker.counts.transferred).to.equal(before.transferred + 1)
      expect(sha256Worker.counts.synchronous).to.equal(before.synchronous)
      expect(bytes.equals(Buffer.from(text, 'utf8'))).to.equal(true)
      expect(hex).to.equal(sha(Buffer.from(text, 'utf8')))
      expect(hex).to.equal(sha(text))
    }
  })

  it('hashes bytes the caller keeps by copying them over in chunks, leaving them as they were', async () => {
    for (const length of [OFFLOAD_MIN_BYTES, MB - 1, MB, MB + 1, 3 * MB + 7]) {
      const bytes = Buffer.from(mixedText(length, length))
      const copy = Buffer.from(bytes)
      const before = sha256Worker.counts.copied
      expect(await sha256Worker.hashBytes(bytes)).to.equal(sha(copy))
      expect(sha256Worker.counts.copied).to.equal(before + 1)
      expect(bytes.equals(copy), 'not modified').to.equal(true)
      expect(bytes.buffer.byteLength, 'not detached').to.be.at.least(bytes.length)
    }
    // A view into a larger buffer: only its own bytes are hashed.
    const big = Buffer.from(mixedText(2 * MB))
    const view = big.subarray(12_345, 12_345 + MB + 99)
    expect(await sha256Worker.hashBytes(view)).to.equal(sha(Buffer.from(view)))
  })

  it('keeps every answer with its own payload when many are in flight', async () => {
    const texts = Array.from({ length: 12 }, (_, i) => mixedText(OFFLOAD_MIN_BYTES + i * 4099, i))
    const buffers = texts.map((t) => Buffer.from(`${t}!`))
    const [fromText, fromBytes] = await Promise.all([
      Promise.all(texts.map((t) => sha256Worker.hashText(t))),
      Promise.all(buffers.map((b) => sha256Worker.hashBytes(b))),
    ])
    expect(fromText.map((r) => r.hex)).to.deep.equal(texts.map((t) => sha(t)))
    expect(fromBytes).to.deep.equal(buffers.map((b) => sha(b)))
  })

  it('hashes on the main thread until its worker is up, then on the worker', async () => {
    const hasher = new Sha256Worker()
    try {
      const text = mixedText(OFFLOAD_MIN_BYTES)
      const first = await hasher.hashText(text)
      expect(hasher.counts).to.deep.equal({ transferred: 0, copied: 0, synchronous: 1 })
      expect(first.hex).to.equal(sha(text))
      expect(await hasher.ready()).to.equal(true)
      const second = await hasher.hashText(text)
      expect(second).to.deep.equal(first)
      expect(hasher.counts.transferred).to.equal(1)
    } finally {
      await hasher.stop()
    }
  })

  it('finishes what its worker had on the main thread when the worker goes away', async () => {
    const hasher = new Sha256Worker()
    await hasher.ready()
    const texts = Array.from({ length: 6 }, (_, i) => mixedText(2 * MB, i))
    const bytes = Buffer.from(mixedText(3 * MB + 1))
    const pending = [...texts.map((t) => hasher.hashText(t)), hasher.hashBytes(bytes)]
    await hasher.stop()
    const results = await Promise.all(pending)
    expect(results.slice(0, 6).map((r) => (r as { hex: string }).hex)).to.deep.equal(
      texts.map((t) => sha(t)),
    )
    for (const [i, r] of results.slice(0, 6).entries()) {
      expect((r as { bytes: Buffer }).bytes.equals(Buffer.from(texts[i]))).to.equal(true)
    }
    expect(results[6]).to.equal(sha(bytes))
    expect(hasher.counts.synchronous, 'some were left to the main thread').to.be.greaterThan(0)
    // And the next payload starts a worker again.
    expect(await hasher.ready()).to.equal(true)
    await hasher.hashText(texts[0])
    expect(hasher.counts.transferred).to.be.greaterThan(0)
    await hasher.stop()
  })

  it('drops a job whose signal fired before it started', async () => {
    const hasher = new Sha256Worker()
    await hasher.ready()
    const controller = new AbortController()
    const first = hasher.hashText(mixedText(4 * MB))
    let settled = false
    void hasher.hashText(mixedText(4 * MB, 1), controller.signal).then(() => (settled = true))
    controller.abort()
    await first
    const third = await hasher.hashText(mixedText(OFFLOAD_MIN_BYTES))
    expect(third.hex).to.equal(sha(mixedText(OFFLOAD_MIN_BYTES)))
    expect(hasher.counts.transferred, 'the aborted one never ran').to.equal(2)
    expect(settled).to.equal(false)
    await hasher.stop()
  })

  describe('never keeps a process alive: one that used it exits by itself', () => {
    const run = (script: string) => {
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          `const { sha256Worker } = require(${JSON.stringify(path.resolve(__dirname, '../../lib/sigv4/sha256-worker.ts'))});${script}`,
        ],
        { encoding: 'utf8', timeout: 20_000 },
      )
      expect(child.error, 'exited before the timeout').to.equal(undefined)
      expect(child.status, child.stderr).to.equal(0)
      return child.stdout.trim()
    }

    it('after hashing on the worker', () => {
      const out = run(`sha256Worker.ready().then(() => sha256Worker.hashText('x'.repeat(${2 * MB})))
        .then((r) => console.log(r.hex, sha256Worker.counts.transferred))`)
      expect(out).to.equal(`${sha('x'.repeat(2 * MB))} 1`)
    })

    it('while the worker it started is still starting', () => {
      const out = run(`sha256Worker.hashText('x'.repeat(${2 * MB}))
        .then((r) => console.log(r.hex, sha256Worker.counts.synchronous))`)
      expect(out).to.equal(`${sha('x'.repeat(2 * MB))} 1`)
    })
  })
})
