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

describe('emulator CLI: what it says and refuses', () => {
  const env = { AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey }

  async function refusal(argv: string[]): Promise<AwsSigV4ConfigurationError> {
    const err = await runEmulatorCli(argv, { env, write: () => undefined }).then(
      async (emu) => {
        await emu.close()
        return undefined
      },
      (e: unknown) => e,
    )
    expect(err, argv.join(' ')).to.be.instanceOf(AwsSigV4ConfigurationError)
    return err as AwsSigV4ConfigurationError
  }

  it('states the engine, the mode and the clock skew in its start line', async () => {
    const lines: string[] = []
    const emu = await runEmulatorCli(['--mode', 'elastic', '--clock-skew-ms', '90000'], {
      env,
      write: (l) => lines.push(l),
    })
    await emu.close()
    expect(lines[0]).to.include('mode elastic, clock skew +90000 ms, engine elasticsearch8')
    const plain = await runEmulatorCli([], { env, write: (l) => lines.push(l) })
    await plain.close()
    expect(lines[1]).to.include('mode amazon, clock skew 0 ms, engine opensearch, in-memory store')
  })

  it('--log prints one line per request with its verdict, and no secret', async () => {
    const lines: string[] = []
    const emu = await runEmulatorCli(['--log'], { env, write: (l) => lines.push(l) })
    try {
      await call(emu.url, KEY, { method: 'GET', path: '/', region: 'us-east-1' })
      await call(
        emu.url,
        { ...KEY, secretAccessKey: 'wrong' },
        { method: 'GET', path: '/x', query: 'q=a' },
      )
    } finally {
      await emu.close()
    }
    expect(lines).to.have.length(3)
    expect(lines[1]).to.match(/^\d{4}-\d\d-\d\dT[\d:.]+Z GET \/ → 200 ok \(key AKIDCLI\)$/)
    expect(lines[2]).to.match(
      /GET \/x\?q=a → 403 signature-mismatch: The request signature we calculated does not match/,
    )
    expect(lines.join('\n')).not.to.include(KEY.secretAccessKey)
  })

  it('refuses contradictory flags', async () => {
    for (const [argv, pattern] of [
      [
        ['--mode', 'elastic', '--engine', 'opensearch'],
        /'--mode elastic' and '--engine opensearch' contradict/,
      ],
      [
        ['--mode', 'amazon', '--engine', 'elasticsearch8'],
        /'--mode amazon' and '--engine elasticsearch8' contradict/,
      ],
      [
        ['--upstream', 'http://127.0.0.1:9/', '--engine', 'opensearch'],
        /'--upstream' and '--engine' contradict/,
      ],
    ] as Array<[string[], RegExp]>) {
      expect((await refusal(argv)).message).to.match(pattern)
    }
  })

  it('refuses an unknown --service, naming those it knows', async () => {
    const err = await refusal(['--service', 'lambda'])
    expect(err.option).to.equal('service')
    expect(err.message).to.equal(
      "Option '--service' must be 'es', 'aoss', 'vpc-lattice-svcs', 'execute-api' or 'osis': the services whose rules the emulator knows",
    )
  })

  it('--compress-responses gzips answers to requests that accept gzip', async () => {
    const emu = await runEmulatorCli(['--compress-responses'], { env, write: () => undefined })
    try {
      const res = await call(emu.url, KEY, {
        method: 'GET',
        path: '/',
        headers: { 'accept-encoding': 'gzip' },
      })
      expect(res.headers['content-encoding']).to.equal('gzip')
    } finally {
      await emu.close()
    }
  })

  it("prints --upstream's user:password@ as user:***@, and refuses a URL it cannot use without echoing it", async () => {
    const lines: string[] = []
    const emu = await runEmulatorCli(['--upstream', 'http://elastic:s3cr3t-pass@127.0.0.1:9/'], {
      env,
      write: (l) => lines.push(l),
    })
    await emu.close()
    expect(lines[0]).to.include('forwarding to http://elastic:***@127.0.0.1:9/')
    expect(lines[0]).not.to.include('s3cr3t-pass')
    const err = await refusal(['--upstream', 'ftp://elastic:s3cr3t-pass@host/'])
    expect(err.message).not.to.include('s3cr3t-pass')
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
