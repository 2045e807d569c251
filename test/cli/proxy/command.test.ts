// `elasticsearch-aws-sigv4 proxy` as users run it: the built bin in a child process, credentials
// only in its environment and files. Its first stdout line is the URL; --help; one-line errors
// with the CLI's exit codes; a profile rotated on disk picked up; --role-arn through a local STS;
// SIGTERM with a request in flight; and no secret in anything it printed, in any mode.
import { expect } from 'chai'
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '../../../lib/testing'
import { REPO } from '../../package/support'
import {
  BUILT_CLI,
  isOneLineError,
  keepPrinted,
  keyEnv,
  leaksIn,
  scanned,
  useBuiltCli,
} from '../support'
import { gate, send } from './support'

const REGION = 'eu-west-1'
const SESSION = {
  accessKeyId: 'ASIAPROXYCLIKEY0001',
  secretAccessKey: 'proxy-cli-secret-access-key',
  sessionToken: 'proxy-cli-session-token-0123456789',
}
const ROTATED = {
  accessKeyId: 'AKIAPROXYROTATED002',
  secretAccessKey: 'proxy-cli-rotated-secret',
}
const ROLE = {
  accessKeyId: 'ASIAPROXYROLEKEY003',
  secretAccessKey: 'proxy-cli-role-secret',
  sessionToken: 'proxy-cli-role-session-token',
}
const CLIENT_TOKEN = 'proxy-cli-client-token-0123456789'

/** A running `proxy` child: its URL (the first stdout line), and what it printed so far. */
interface Running {
  url: string
  child: ChildProcessWithoutNullStreams
  stdout(): string
  stderr(): string
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Waits (at most 5 s) for what the child prints to catch up with what the test saw. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10))
}

function startProxyCli(args: string[], env: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawn(process.execPath, [BUILT_CLI, 'proxy', '--listen', '127.0.0.1:0', ...args], {
    cwd: REPO,
    env,
  })
  let out = ''
  let err = ''
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  void exited.then(() => keepPrinted(`proxy ${args.join(' ')}`, out + err))
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`no URL within 20 s: ${out}${err}`))
    }, 20_000)
    const onData = (): void => {
      const line = out.split('\n')
      if (line.length < 2) return
      clearTimeout(timer)
      child.stdout.off('data', onData)
      resolve({
        url: line[0],
        child,
        stdout: () => out,
        stderr: () => err,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal)
          return exited
        },
      })
    }
    child.stdout.on('data', onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`proxy exited with ${code} before listening: ${out}${err}`))
    })
  })
}

describe('cli: proxy', function () {
  this.timeout(60_000)
  const harness = useBuiltCli()
  let emu: Emulator

  before(async () => {
    emu = await startEmulator({ credentials: [SESSION, ROTATED, ROLE], region: REGION })
  })
  after(() => emu.close())
  beforeEach(() => emu.clearVerdicts())

  it('--help: the usage, every flag, exit codes', async () => {
    const r = await harness.cli(['proxy', '--help'])
    expect(r.code).to.equal(0)
    expect(r.stdout).to.match(/^Usage: elasticsearch-aws-sigv4 proxy --endpoint URL/)
    for (const flag of [
      '--endpoint URL',
      '--listen HOST:PORT',
      '--region R',
      '--service S',
      '--profile NAME',
      '--role-arn ARN',
      '--signing-host HOST',
      '--cacert FILE',
      '--insecure',
      '--read-only',
      '--max-body-bytes N',
      '--allow-remote',
      '--client-token-env NAME',
      '--cors ORIGIN',
      '--log text|json',
      '--quiet',
    ]) {
      expect(r.stdout).to.include(flag)
    }
    expect(r.stdout).to.include('Exit status')
    const top = await harness.cli(['--help'])
    expect(top.stdout).to.include('proxy --endpoint URL')
  })

  it('mistakes: one line naming the fix, exit 2, nothing listening', async () => {
    const env = harness.env({ ...keyEnv(SESSION), AWS_REGION: REGION })
    const cases: Array<[string[], RegExp, NodeJS.ProcessEnv?]> = [
      [[], /give the endpoint to forward to: --endpoint https:\/\//],
      [['--endpoint', 'search.example'], /is not a URL/],
      [
        ['--endpoint', emu.url, '--secret-access-key', 'x'],
        /a secret in a flag shows in ps .* AWS_SECRET_ACCESS_KEY/,
      ],
      [['--endpoint', emu.url, '--client-token', 'x'], /--client-token-env NAME/],
      [['--endpoint', emu.url, '--listen', 'nine'], /--listen "nine" is not HOST:PORT/],
      [['--endpoint', emu.url, '--listen', '0.0.0.0:0'], /not a loopback address.*--allow-remote/],
      [
        ['--endpoint', emu.url, '--client-token-env', 'PROXY_TOKEN'],
        /PROXY_TOKEN is not set; export PROXY_TOKEN=/,
      ],
      [['--endpoint', emu.url, '--max-body-bytes', 'lots'], /--max-body-bytes lots is not a size/],
      [['--endpoint', emu.url, '--cors', '*'], /cannot be '\*'/],
      [['--endpoint', emu.url, '--log', 'xml'], /--log xml: give text or json/],
      [
        ['--endpoint', emu.url, '--cacert', '/no/such/ca.pem'],
        /cannot read --cacert \/no\/such\/ca.pem: no such file/,
      ],
      [['--endpoint', 'https://search.example.com'], /Pass --region/, harness.env(keyEnv(SESSION))],
      [
        ['--endpoint', emu.url],
        /no AWS credentials: .*Set AWS_ACCESS_KEY_ID/,
        harness.env({ AWS_REGION: REGION }),
      ],
    ]
    for (const [args, message, caseEnv] of cases) {
      const r = await harness.cli(['proxy', ...args], { env: caseEnv ?? env })
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(2)
      expect(isOneLineError(r.stderr), r.stderr).to.equal(true)
      expect(r.stderr, args.join(' ')).to.match(message)
      expect(r.stdout).to.equal('')
    }
  })

  it('runs: the URL first on stdout, a note on stderr, one line per request; SIGTERM lets the request in flight finish, exit 0', async () => {
    const release = gate()
    let arrived = false
    const off = emu.onRequest(async (r) => {
      if (r.path !== '/slow') return undefined
      arrived = true
      await release.wait
      return { status: 200, body: { slow: true } }
    })
    const proxy = await startProxyCli(
      ['--endpoint', emu.url],
      harness.env({ ...keyEnv(SESSION), AWS_REGION: REGION }),
    )
    try {
      expect(proxy.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect((await send(proxy.url, { path: '/_cat/indices' })).status).to.equal(200)
      const slow = send(proxy.url, { path: '/slow' })
      for (let i = 0; i < 500 && !arrived; i++) await new Promise((r) => setTimeout(r, 10))
      const exited = proxy.stop('SIGTERM')
      await new Promise((r) => setTimeout(r, 100))
      release.open()
      expect((await slow).status).to.equal(200)
      expect(await exited).to.equal(0)
      expect(proxy.stdout()).to.equal(`${proxy.url}\n`)
      const lines = proxy.stderr().trim().split('\n')
      expect(lines[0]).to.match(
        / proxy http:\/\/127\.0\.0\.1:\d+ → http:\/\/127\.0\.0\.1:\d+: region eu-west-1 \(from AWS_REGION\) · service es \(the default\) · key ASIA…0001 \(environment \(AWS_ACCESS_KEY_ID\)\)$/,
      )
      expect(lines).to.satisfy((l: string[]) =>
        l.some((x) => / GET \/_cat\/indices 200 \d+ B \d+ ms$/.test(x)),
      )
      expect(lines).to.satisfy((l: string[]) =>
        l.some((x) => / GET \/slow 200 \d+ B \d+ ms$/.test(x)),
      )
      expect(lines).to.satisfy((l: string[]) => l.some((x) => x.includes('stopping')))
    } finally {
      release.open()
      off()
      if (proxy.child.exitCode === null) await proxy.stop('SIGKILL')
    }
  })

  it('--log json: one JSON object per line; --quiet: nothing but warnings; --insecure warns on every start', async () => {
    const env = harness.env({ ...keyEnv(SESSION), AWS_REGION: REGION })
    const json = await startProxyCli(['--endpoint', emu.url, '--log', 'json'], env)
    await send(json.url, { path: '/?X-Amz-Signature=abc' })
    expect(await json.stop()).to.equal(0)
    const entries = json
      .stderr()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(entries.map((e) => e.type)).to.deep.equal(['note', 'request', 'note'])
    expect(entries[1]).to.include({
      method: 'GET',
      path: '/?X-Amz-Signature=<redacted>',
      status: 200,
    })

    const quiet = await startProxyCli(
      ['--endpoint', emu.url.replace('http:', 'https:'), '--insecure', '--quiet'],
      env,
    )
    await send(quiet.url, { path: '/' })
    expect(await quiet.stop()).to.equal(0)
    const warnings = quiet.stderr().trim().split('\n')
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.match(
      /WARNING --insecure: the certificate of 127\.0\.0\.1:\d+ is not checked/,
    )
  })

  it('a profile rotated on disk is picked up: the revoked key is replaced, the request retried', async () => {
    const credentials = join(harness.home, 'rotating-credentials')
    writeFileSync(
      credentials,
      `[rot]\naws_access_key_id = ${SESSION.accessKeyId}\naws_secret_access_key = ${SESSION.secretAccessKey}\naws_session_token = ${SESSION.sessionToken}\n`,
    )
    const proxy = await startProxyCli(
      ['--endpoint', emu.url, '--profile', 'rot'],
      harness.env({ AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_REGION: REGION }),
    )
    try {
      expect((await send(proxy.url, { path: '/' })).status).to.equal(200)
      writeFileSync(
        credentials,
        `[rot]\naws_access_key_id = ${ROTATED.accessKeyId}\naws_secret_access_key = ${ROTATED.secretAccessKey}\n`,
      )
      emu.revoke(SESSION.accessKeyId, { kind: 'invalid' })
      expect((await send(proxy.url, { path: '/' })).status).to.equal(200)
      expect(emu.verdicts.map((v) => [v.accessKeyId, v.status])).to.deep.equal([
        [SESSION.accessKeyId, 200],
        [SESSION.accessKeyId, 403],
        [ROTATED.accessKeyId, 200],
      ])
      expect(proxy.stderr()).to.include('key ASIA…0001 (profile "rot")')
      await until(() => /retried once/.test(proxy.stderr()))
      expect(proxy.stderr()).to.match(/GET \/ 200 \d+ B \d+ ms · retried once, re-signed/)
    } finally {
      emu.restore(SESSION.accessKeyId)
      expect(await proxy.stop()).to.equal(0)
    }
  })

  it("no region named by a flag, the host or AWS_REGION: the profile's, as request and diagnose take it", async () => {
    const config = join(harness.home, 'region-config')
    const credentials = join(harness.home, 'region-credentials')
    writeFileSync(config, `[profile regional]\nregion = ${REGION}\n`)
    writeFileSync(
      credentials,
      `[regional]\naws_access_key_id = ${ROTATED.accessKeyId}\naws_secret_access_key = ${ROTATED.secretAccessKey}\n`,
    )
    const proxy = await startProxyCli(
      ['--endpoint', emu.url, '--profile', 'regional'],
      harness.env({ AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials }),
    )
    try {
      expect((await send(proxy.url, { path: '/' })).status).to.equal(200)
      expect(emu.verdicts.at(-1)).to.include({ ok: true, accessKeyId: ROTATED.accessKeyId })
      expect(proxy.stderr()).to.include(`region ${REGION} (from profile "regional")`)
    } finally {
      expect(await proxy.stop()).to.equal(0)
    }
  })

  describe('--role-arn', () => {
    let sts: Server
    let stsUrl: string
    const calls: URLSearchParams[] = []
    before(async () => {
      sts = createServer((req, res) => {
        let body = ''
        req.on('data', (chunk: Buffer) => (body += chunk.toString()))
        req.on('end', () => {
          const params = new URLSearchParams(body)
          calls.push(params)
          res.setHeader('content-type', 'text/xml')
          if (params.get('RoleArn')?.endsWith('/denied')) {
            res.statusCode = 403
            res.end(
              '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: ' +
                'arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole ' +
                'on resource: arn:aws:iam::123456789012:role/denied</Message></Error></ErrorResponse>',
            )
            return
          }
          const expiration = new Date(Date.now() + 3600_000).toISOString()
          res.end(
            '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>' +
              `<Credentials><AccessKeyId>${ROLE.accessKeyId}</AccessKeyId>` +
              `<SecretAccessKey>${ROLE.secretAccessKey}</SecretAccessKey>` +
              `<SessionToken>${ROLE.sessionToken}</SessionToken>` +
              `<Expiration>${expiration}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`,
          )
        })
      })
      await new Promise<void>((resolve) => sts.listen(0, '127.0.0.1', resolve))
      stsUrl = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`
    })
    after(() => new Promise<void>((resolve) => sts.close(() => resolve())))

    it('signs with the role, assumed with the base credentials through STS', async () => {
      const env = harness.env({
        ...keyEnv(SESSION),
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL_STS: stsUrl,
      })
      const proxy = await startProxyCli(
        ['--endpoint', emu.url, '--role-arn', 'arn:aws:iam::123456789012:role/reader'],
        env,
      )
      try {
        expect((await send(proxy.url, { path: '/' })).status).to.equal(200)
        expect(emu.verdicts.at(-1)?.accessKeyId).to.equal(ROLE.accessKeyId)
        expect(calls.at(-1)?.get('Action')).to.equal('AssumeRole')
        expect(calls.at(-1)?.get('RoleArn')).to.equal('arn:aws:iam::123456789012:role/reader')
        expect(proxy.stderr()).to.include(
          'key ASIA…Y003 (role arn:aws:iam::123456789012:role/reader, assumed with environment (AWS_ACCESS_KEY_ID))',
        )
      } finally {
        expect(await proxy.stop()).to.equal(0)
      }
      const denied = await harness.cli(
        [
          'proxy',
          '--endpoint',
          emu.url,
          '--listen',
          '127.0.0.1:0',
          '--role-arn',
          'arn:aws:iam::123456789012:role/denied',
        ],
        { env },
      )
      expect(denied.code).to.equal(2)
      expect(isOneLineError(denied.stderr), denied.stderr).to.equal(true)
      expect(denied.stderr).to.include(
        'could not assume arn:aws:iam::123456789012:role/denied: AccessDenied',
      )
    })
  })

  // Last: after every run above, the nested ones included.
  // Last: after every run above, the nested ones included.
  describe('everything it printed', () => {
    it('printed no secret key, session token, client token or signature, in any mode', async () => {
      // One more run in every mode, with a client token, a refusal that quotes the request back, and
      // a wrong secret (AWS's mismatch answer carries the canonical request, token and all).
      const wrong = { ...SESSION, secretAccessKey: 'not-the-secret-the-emulator-knows' }
      for (const mode of [[], ['--log', 'json'], ['--quiet']]) {
        const proxy = await startProxyCli(
          ['--endpoint', emu.url, '--client-token-env', 'PROXY_TOKEN', ...mode],
          harness.env({ ...keyEnv(wrong), AWS_REGION: REGION, PROXY_TOKEN: CLIENT_TOKEN }),
        )
        const answer = await send(proxy.url, {
          path: '/_search?q=x',
          headers: { authorization: `Bearer ${CLIENT_TOKEN}` },
        })
        expect(answer.status).to.equal(403)
        expect(answer.body.toString()).to.include('signature we calculated does not match')
        expect(answer.body.toString()).not.to.include(SESSION.sessionToken)
        expect(await proxy.stop()).to.equal(0)
      }
      const { runs, signatures } = scanned()
      expect(runs).to.be.above(10)
      // Distinct signatures: requests alike within one second sign alike.
      expect(signatures).to.be.above(3)
      expect(
        leaksIn([
          SESSION.secretAccessKey,
          SESSION.sessionToken,
          ROTATED.secretAccessKey,
          ROLE.secretAccessKey,
          ROLE.sessionToken,
          CLIENT_TOKEN,
          wrong.secretAccessKey,
        ]),
      ).to.deep.equal([])
    })
  })
})
