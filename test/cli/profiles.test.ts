// Profiles that go through AWS STS, with the built bin: `role_arn` + `source_profile`
// (assume role), and the same with `mfa_serial`, the code typed on a terminal. STS is a local
// stand-in (AWS_ENDPOINT_URL_STS), answering AssumeRole as STS does; the emulator accepts the
// credentials it hands out.
import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '../../lib/testing'
import { BUILT_CLI, keepPrinted, leaksIn, run, useBuiltCli } from './support'

const REGION = 'eu-west-1'
const BASE = { accessKeyId: 'AKIDPROFILEBASE0WXYZ', secretAccessKey: 'profile-base-secret' }
const ASSUMED = {
  accessKeyId: 'ASIAPROFILEROLE0WXYZ',
  secretAccessKey: 'profile-assumed-secret',
  sessionToken: 'profile-assumed-session-token',
}

/** STS's AssumeRole answer (the Query protocol's XML), credentials valid for an hour. */
function assumeRoleXml(expiration: Date): string {
  return (
    '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>' +
    `<Credentials><AccessKeyId>${ASSUMED.accessKeyId}</AccessKeyId>` +
    `<SecretAccessKey>${ASSUMED.secretAccessKey}</SecretAccessKey>` +
    `<SessionToken>${ASSUMED.sessionToken}</SessionToken>` +
    `<Expiration>${expiration.toISOString()}</Expiration></Credentials>` +
    '<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>' +
    '<Arn>arn:aws:sts::123456789012:assumed-role/admin/s</Arn></AssumedRoleUser>' +
    '</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>' +
    '</AssumeRoleResponse>'
  )
}

function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('cli: profiles through STS (assume role, MFA)', function () {
  this.timeout(60_000)
  const harness = useBuiltCli()
  let emu: Emulator
  let sts: Server
  let stsUrl: string
  const calls: Array<{ authorization: string; body: URLSearchParams }> = []

  before(async () => {
    emu = await startEmulator({ credentials: ASSUMED, region: REGION })
    sts = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        calls.push({
          authorization: req.headers.authorization ?? '',
          body: new URLSearchParams(body),
        })
        res.setHeader('content-type', 'text/xml')
        res.end(assumeRoleXml(new Date(Date.now() + 3600_000)))
      })
    })
    await new Promise<void>((resolve) => sts.listen(0, '127.0.0.1', resolve))
    stsUrl = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`
    writeFileSync(
      join(harness.home, 'sts-config'),
      [
        '[profile role]',
        'role_arn = arn:aws:iam::123456789012:role/admin',
        'source_profile = base',
        '[profile mfa]',
        'role_arn = arn:aws:iam::123456789012:role/admin',
        'source_profile = base',
        'mfa_serial = arn:aws:iam::123456789012:mfa/alice',
        '',
      ].join('\n'),
    )
    writeFileSync(
      join(harness.home, 'sts-credentials'),
      `[base]\naws_access_key_id = ${BASE.accessKeyId}\naws_secret_access_key = ${BASE.secretAccessKey}\n`,
    )
  })
  after(async () => {
    await emu.close()
    sts.close()
  })
  beforeEach(() => {
    calls.length = 0
  })

  const profileEnv = (): NodeJS.ProcessEnv =>
    harness.env({
      AWS_CONFIG_FILE: join(harness.home, 'sts-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(harness.home, 'sts-credentials'),
      AWS_ENDPOINT_URL_STS: stsUrl,
      AWS_REGION: REGION,
    })

  it('assume role: STS asked with the source profile, the role named as the source, its expiry', async () => {
    const r = await harness.cli(['diagnose', emu.url, '--profile', 'role'], { env: profileEnv() })
    expect(r.code, r.stdout + r.stderr).to.equal(0)
    expect(r.stdout).to.match(
      /^✓ Credentials profile "role" \(assume role\) · key ASIA…WXYZ · with session token · expires in \d+ min \(\d\d:\d\d UTC\)$/m,
    )
    expect(r.stdout).to.include('✓ Request     GET / → 200 · OpenSearch 2.19.6')
    expect(calls).to.have.length(1)
    expect(calls[0].body.get('Action')).to.equal('AssumeRole')
    expect(calls[0].body.get('RoleArn')).to.equal('arn:aws:iam::123456789012:role/admin')
    expect(calls[0].authorization).to.include(`Credential=${BASE.accessKeyId}/`)
    // The SDK's own process warnings (e.g. about the Node version) come as one line each, as
    // the SDK's, not as the bin's note.
    for (const line of r.stderr.split('\n').filter((l) => l !== '')) {
      expect(line).to.match(/^\(AWS SDK\) /)
    }
  })

  it('MFA: the code is asked on the terminal and goes to STS with the device', async function () {
    if (!hasScript()) this.skip()
    // `script` runs the bin on a pseudo-terminal and types what it reads from stdin.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BUILT_CLI)} request --dry-run --profile mfa ${emu.url}/`
    const r = await run('script', ['-qec', command, '/dev/null'], {
      cwd: harness.home,
      env: profileEnv(),
      input: '123456\n',
    })
    keepPrinted(`script ${command}`, r.stdout + r.stderr)
    expect(r.code, r.stdout + r.stderr).to.equal(0)
    expect(r.stdout).to.include('MFA code for arn:aws:iam::123456789012:mfa/alice: ')
    expect(r.stdout).to.include('* credentials: profile "mfa" (assume role), key ASIA…WXYZ')
    expect(calls).to.have.length(1)
    expect(calls[0].body.get('SerialNumber')).to.equal('arn:aws:iam::123456789012:mfa/alice')
    expect(calls[0].body.get('TokenCode')).to.equal('123456')
  })

  it('printed no secret key, session token or sent signature, in any run above', () => {
    expect(
      // The signatures include those of the AssumeRole calls, which STS (in process) received.
      leaksIn([BASE.secretAccessKey, ASSUMED.secretAccessKey, ASSUMED.sessionToken]),
    ).to.deep.equal([])
  })
})
