// The CLI entry and upstream forwarding.
import { expect } from 'chai'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AwsSigV4ConfigurationError } from '../../lib/errors'
import { startEmulator } from '../../lib/testing'
import { runEmulatorCli } from '../../lib/testing/cli'
import { call, type TestKey } from './sign'

const KEY: TestKey = { accessKeyId: 'AKIDCLI', secretAccessKey: 'cli-secret-value' }

describe('emulator CLI', () => {
  it('starts from flags, prints the url but never the secret', async () => {
    const lines: string[] = []
    const emu = await runEmulatorCli(
      ['emulate', '--region', 'eu-west-1', '--service', 'es', '--access-key-id', KEY.accessKeyId],
      { env: { AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey }, write: (l) => lines.push(l) },
    )
    try {
      expect(lines).to.have.length(1)
      expect(lines[0]).to.contain(emu.url)
      expect(lines[0]).not.to.contain(KEY.secretAccessKey)
      const res = await call(emu.url, KEY, { method: 'GET', path: '/', region: 'eu-west-1' })
      expect(res.status).to.equal(200)
    } finally {
      await emu.close()
    }
  })

  it('refuses to start without a key, and on unknown options', async () => {
    let error: unknown
    try {
      await runEmulatorCli([], { env: {}, write: () => undefined })
    } catch (err) {
      error = err
    }
    expect(error).to.be.instanceOf(AwsSigV4ConfigurationError)
    error = undefined
    try {
      await runEmulatorCli(['--bogus', '1'], { env: {}, write: () => undefined })
    } catch (err) {
      error = err
    }
    expect(error).to.be.instanceOf(AwsSigV4ConfigurationError)
  })

  it('takes every engine the store imitates, compatibility mode included, and names them all when refusing', async () => {
    const env = { AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey }
    const emu = await runEmulatorCli(['--engine', 'opensearch-compat'], {
      env,
      write: () => undefined,
    })
    try {
      const res = await call(emu.url, KEY, { method: 'GET', path: '/', region: 'us-east-1' })
      const version = (JSON.parse(res.text) as { version: Record<string, unknown> }).version
      expect(version.number).to.equal('7.10.2')
      expect(version).not.to.have.property('distribution')
    } finally {
      await emu.close()
    }
    const refused = await runEmulatorCli(['--engine', 'solr'], {
      env,
      write: () => undefined,
    }).then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(refused).to.be.instanceOf(AwsSigV4ConfigurationError)
    expect((refused as Error).message).to.equal(
      "Option '--engine' must be 'opensearch', 'opensearch-compat', 'elasticsearch7' or 'elasticsearch8'",
    )
  })
})

describe('emulator upstream forwarding', () => {
  it('forwards verified requests without auth or x-amz headers', async () => {
    let seen: { url?: string; headers?: IncomingHttpHeaders; body?: string } = {}
    const upstream = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        seen = { url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }
        res.setHeader('content-type', 'application/json')
        res.end('{"forwarded":true}')
      })
    })
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
    const port = (upstream.address() as AddressInfo).port
    const emu = await startEmulator({ credentials: KEY, upstream: `http://127.0.0.1:${port}` })
    try {
      const res = await call(emu.url, KEY, {
        method: 'POST',
        path: '/idx/_search',
        query: 'size=1',
        headers: { 'content-type': 'application/json' },
        body: '{"query":{"match_all":{}}}',
        contentSha: true,
      })
      expect(res.status).to.equal(200)
      expect(res.json()).to.deep.equal({ forwarded: true })
      expect(seen.url).to.equal('/idx/_search?size=1')
      expect(seen.body).to.equal('{"query":{"match_all":{}}}')
      const names = Object.keys(seen.headers ?? {})
      expect(names.filter((n) => n === 'authorization' || n.startsWith('x-amz-'))).to.deep.equal([])
      expect(seen.headers?.['content-type']).to.equal('application/json')

      const refused = await call(emu.url, KEY, { method: 'GET', path: '/', region: 'eu-west-1' })
      expect(refused.status).to.equal(403)
    } finally {
      await emu.close()
      await new Promise<void>((resolve) => upstream.close(() => resolve()))
    }
  })
  it("leaves media types to the engine behind: a vendor Content-Type reaches it (its 406 is the engine's)", async () => {
    const types: Array<string | undefined> = []
    const upstream = createServer((req, res) => {
      types.push(req.headers['content-type'])
      req.resume()
      res.statusCode = 406
      res.end('{"error":"from the engine","status":406}')
    })
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
    const port = (upstream.address() as AddressInfo).port
    const emu = await startEmulator({ credentials: KEY, upstream: `http://127.0.0.1:${port}` })
    try {
      const vendor = 'application/vnd.elasticsearch+json; compatible-with=8'
      const res = await call(emu.url, KEY, {
        method: 'POST',
        path: '/idx/_doc',
        headers: { 'content-type': vendor },
        body: '{"a":1}',
      })
      expect([res.status, res.json()]).to.deep.equal([
        406,
        { error: 'from the engine', status: 406 },
      ])
      expect(types).to.deep.equal([vendor])
    } finally {
      await emu.close()
      await new Promise<void>((resolve) => upstream.close(() => resolve()))
    }
  })
  it("relays answers with the emulator's Date, dateHeaderSkewMs included, as its own answers", async () => {
    const upstream = createServer((_req, res) => {
      res.setHeader('date', 'Mon, 01 Jan 2001 00:00:00 GMT')
      res.end('{}')
    })
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
    const port = (upstream.address() as AddressInfo).port
    const at = Date.UTC(2026, 0, 2, 3, 4, 5)
    const emu = await startEmulator({
      credentials: KEY,
      upstream: `http://127.0.0.1:${port}`,
      now: () => at,
      dateHeaderSkewMs: 3 * 3600_000,
    })
    try {
      const relayed = await call(emu.url, KEY, { method: 'GET', path: '/', date: new Date(at) })
      expect(relayed.status).to.equal(200)
      expect(relayed.headers.date).to.equal('Fri, 02 Jan 2026 06:04:05 GMT')
      const refused = await call(emu.url, KEY, { method: 'GET', path: '/', region: 'eu-west-1' })
      expect(refused.status).to.equal(403)
      expect(refused.headers.date).to.equal('Fri, 02 Jan 2026 06:04:05 GMT')
    } finally {
      await emu.close()
      await new Promise<void>((resolve) => upstream.close(() => resolve()))
    }
  })
})
