// Real tools that cannot sign, through the proxy to the verifying emulator: curl (Debian's),
// elasticdump (npm), and the official clients with no signing at all (9.x, 8.x, 7.13). Each
// request the emulator received had to carry a valid signature.
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client as Client9 } from '@elastic/elasticsearch'
import { Client as Client8 } from 'es8'
import { Client as Client7130 } from 'es7130'
import { TRICKY_IDS } from '../../support/tricky-ids'
import { REPO } from '../../package/support'
import { startPair, type Pair } from './support'

interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

function run(cmd: string, args: string[], timeoutMs = 60_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(
        err.code === 'ENOENT'
          ? new Error(`${cmd} is not installed: apt-get install -y ${cmd} (.ci/run installs it)`)
          : err,
      )
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** Every request the emulator received was signed and verified. */
function allVerified(pair: Pair): void {
  expect(pair.emu.verdicts.length).to.be.above(0)
  const refused = pair.emu.verdicts.filter((v) => !v.ok)
  expect(refused.map((v) => `${v.method} ${v.path}: ${v.reason}`)).to.deep.equal([])
}

describe('proxy with curl', function () {
  this.timeout(120_000)
  let pair: Pair
  let dir: string
  before(async () => {
    pair = await startPair()
    dir = mkdtempSync(join(tmpdir(), 'esv4-proxy-curl-'))
  })
  after(async () => {
    await pair.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const curl = (...args: string[]): Promise<Ran> =>
    run('curl', ['-sS', '--max-time', '60', '-w', '\n%{http_code}', ...args])
  const status = (r: Ran): number => Number(r.stdout.trim().split('\n').at(-1))
  const body = (r: Ran): Record<string, unknown> =>
    JSON.parse(r.stdout.trim().split('\n').slice(0, -1).join('\n')) as Record<string, unknown>

  it('CRUD of documents whose ids need encoding', async () => {
    for (const id of TRICKY_IDS) {
      const url = `${pair.proxy.url}/curl-crud/_doc/${encodeURIComponent(id)}`
      const json = ['-H', 'content-type: application/json']
      const put = await curl(
        '-X',
        'PUT',
        `${url}?refresh=true`,
        ...json,
        '-d',
        JSON.stringify({ id, n: 1 }),
      )
      expect(status(put), `${id}: ${put.stdout}${put.stderr}`).to.equal(201)
      const got = await curl(url)
      expect(body(got)._id, id).to.equal(id)
      const update = `${pair.proxy.url}/curl-crud/_update/${encodeURIComponent(id)}?refresh=true`
      expect(
        status(await curl('-X', 'POST', update, ...json, '-d', '{"doc":{"n":2}}')),
        id,
      ).to.equal(200)
      expect((body(await curl(url))._source as { n: number }).n, id).to.equal(2)
      expect(status(await curl('-X', 'DELETE', `${url}?refresh=true`)), id).to.equal(200)
      expect(status(await curl(url)), id).to.equal(404)
    }
    allVerified(pair)
  })

  it('a query string with reserved characters, as curl encodes it (-G --data-urlencode)', async () => {
    const json = ['-H', 'content-type: application/json']
    await curl(
      '-X',
      'PUT',
      `${pair.proxy.url}/curl-q/_doc/1?refresh=true`,
      ...json,
      '-d',
      '{"title":"a b","tag":"x+y"}',
    )
    const r = await curl(
      '-G',
      `${pair.proxy.url}/curl-q/_search`,
      '--data-urlencode',
      'q=title:"a b" AND tag:(x+y OR z=w)',
      '--data-urlencode',
      'size=5',
    )
    expect(status(r), r.stdout).to.equal(200)
    allVerified(pair)
  })

  it('HEAD (-I): the status and headers only', async () => {
    const r = await run('curl', ['-sS', '-I', `${pair.proxy.url}/curl-q/_doc/1`])
    expect(r.stdout).to.match(/^HTTP\/1\.1 200 OK/)
    expect(r.stdout.toLowerCase()).to.include('x-elastic-product: elasticsearch')
    const missing = await run('curl', ['-sS', '-I', `${pair.proxy.url}/curl-q/_doc/nope`])
    expect(missing.stdout).to.match(/^HTTP\/1\.1 404/)
  })

  it('a 12 MB bulk from a file (--data-binary @file), every document indexed', async () => {
    const file = join(dir, 'bulk.ndjson')
    const lines: string[] = []
    let size = 0
    for (let i = 0; size < 12 * 1024 * 1024; i++) {
      const pair = `{"index":{"_index":"curl-bulk","_id":"${i}"}}\n{"i":${i},"text":"${'lorem ipsum '.repeat(40)}"}\n`
      lines.push(pair)
      size += pair.length
    }
    writeFileSync(file, lines.join(''))
    const r = await curl(
      '-X',
      'POST',
      `${pair.proxy.url}/_bulk?refresh=true`,
      '-H',
      'content-type: application/x-ndjson',
      '--data-binary',
      `@${file}`,
    )
    expect(status(r)).to.equal(200)
    expect(body(r).errors).to.equal(false)
    expect(pair.emu.store.documentCount('curl-bulk')).to.equal(lines.length)
    const entry = pair.requests().find((e) => e.path.startsWith('/_bulk'))
    expect(entry?.status).to.equal(200)
    allVerified(pair)
  })
})

describe('proxy with elasticdump', function () {
  this.timeout(180_000)
  let pair: Pair
  let dir: string
  before(async () => {
    pair = await startPair()
    dir = mkdtempSync(join(tmpdir(), 'esv4-proxy-dump-'))
  })
  after(async () => {
    await pair.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('an index exported to a file through the proxy, imported into a new index: counts equal', async () => {
    const lines: string[] = []
    for (let i = 0; i < 1_234; i++) {
      lines.push(
        JSON.stringify({ index: { _index: 'dump-src', _id: `d${i}` } }),
        JSON.stringify({ i, title: `document ${i}` }),
      )
    }
    const seeded = await fetch(`${pair.proxy.url}/_bulk?refresh=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${lines.join('\n')}\n`,
    })
    expect(seeded.status).to.equal(200)
    const elasticdump = join(REPO, 'node_modules', '.bin', 'elasticdump')
    const file = join(dir, 'dump-src.json')
    const out = await run(elasticdump, [
      `--input=${pair.proxy.url}/dump-src`,
      `--output=${file}`,
      '--type=data',
      '--limit=200',
    ])
    expect(out.code, out.stdout + out.stderr).to.equal(0)
    expect(readFileSync(file, 'utf8').trim().split('\n')).to.have.length(1_234)
    const back = await run(elasticdump, [
      `--input=${file}`,
      `--output=${pair.proxy.url}/dump-dst`,
      '--type=data',
      '--limit=200',
    ])
    expect(back.code, back.stdout + back.stderr).to.equal(0)
    const count = await fetch(`${pair.proxy.url}/dump-dst/_count`)
    expect(((await count.json()) as { count: number }).count).to.equal(1_234)
    expect(pair.emu.store.documentCount('dump-dst')).to.equal(
      pair.emu.store.documentCount('dump-src'),
    )
    allVerified(pair)
  })
})

describe('proxy with the official clients, no signing at all', function () {
  this.timeout(120_000)
  let pair: Pair
  before(async () => {
    pair = await startPair()
  })
  after(() => pair.close())

  const docs = Array.from({ length: 500 }, (_, i) => ({ i, title: `document ${i}` }))

  for (const [name, Client] of [
    ['9.x', Client9],
    // The same calls on 8.x's types, which differ from 9.x's in ways these calls do not reach.
    ['8.x', Client8 as unknown as typeof Client9],
  ] as const) {
    it(`${name}: info, helpers.bulk, helpers.scrollSearch`, async () => {
      const client = new Client({ node: pair.proxy.url })
      const index = `client-${name.replace('.', '')}`
      try {
        const info = await client.info()
        expect(info.version.number).to.be.a('string')
        const stats = await client.helpers.bulk({
          datasource: docs,
          onDocument: () => ({ index: { _index: index } }),
          refreshOnCompletion: true,
        })
        expect([stats.successful, stats.failed]).to.deep.equal([500, 0])
        let seen = 0
        for await (const page of client.helpers.scrollSearch({
          index,
          size: 64,
          query: { match_all: {} },
        })) {
          seen += page.documents.length
        }
        expect(seen).to.equal(500)
      } finally {
        await client.close()
      }
      allVerified(pair)
    })
  }

  it('7.13: info, helpers.bulk, helpers.scrollSearch', async () => {
    const client = new Client7130({ node: pair.proxy.url })
    try {
      const info = await client.info()
      expect(info.body.version.number).to.be.a('string')
      const stats = await client.helpers.bulk({
        datasource: docs,
        onDocument: () => ({ index: { _index: 'client-7130' } }),
        refreshOnCompletion: true,
      })
      expect([stats.successful, stats.failed]).to.deep.equal([500, 0])
      let seen = 0
      for await (const page of client.helpers.scrollSearch({
        index: 'client-7130',
        size: 64,
        body: { query: { match_all: {} } },
      })) {
        seen += page.documents.length
      }
      expect(seen).to.equal(500)
    } finally {
      await client.close()
    }
    allVerified(pair)
  })
})
