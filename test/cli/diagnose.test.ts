// `elasticsearch-aws-sigv4 diagnose` as users run it: the built bin in a child process, its
// credentials in the environment (or a profile file) only, against the emulator. Each refusal is
// provoked (a skewed clock, an unknown key, a rewritten Host, a wrong region) or, where the
// emulator has no layer for it (IAM, fine-grained access control, Serverless policies), answered
// by a hook with AWS's own words; each must be named in the output.
import { expect } from 'chai'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '../../lib/testing'
import {
  fgacDenied,
  iamDenied,
  iamExplicitDeny,
  serverlessDenied,
  serverlessNetworkDenied,
} from './aws-answers'
import { isOneLineError, keyEnv, leaksIn, scanned, useBuiltCli } from './support'

const REGION = 'eu-west-1'
const KEY = {
  accessKeyId: 'ASIADIAGNOSECLIWXYZ',
  secretAccessKey: 'diagnose/cli+secret=key',
  sessionToken: 'diagnose-cli-session/token+with=chars',
}
const ROLE_SESSION = 'arn:aws:sts::123456789012:assumed-role/ingest/i-0abc'
const ROLE = 'arn:aws:iam::123456789012:role/ingest'

/** The checklist's lines by label: `{ Endpoint: '✓ Endpoint    …', … }` (first line of each). */
function steps(stdout: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of stdout.split('\n')) {
    const match = /^([✓✗!]) (\S+)/.exec(line)
    if (match) out[match[2]] = line
  }
  return out
}

describe('cli: diagnose (the built bin against the emulator)', function () {
  this.timeout(60_000)
  const harness = useBuiltCli()
  let emu: Emulator
  let serverless: Emulator

  before(async () => {
    emu = await startEmulator({ credentials: KEY, region: REGION })
    serverless = await startEmulator({ credentials: KEY, region: REGION, service: 'aoss' })
  })
  after(async () => {
    await emu.close()
    await serverless.close()
  })
  afterEach(() => {
    emu.setClockSkew(0)
  })

  const userEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv =>
    harness.env({ ...keyEnv(KEY), AWS_REGION: REGION, ...extra })
  const diagnose = (args: string[], env = userEnv()) => harness.cli(['diagnose', ...args], { env })

  /** Runs diagnose with `hook` answering the signed request. */
  async function withHook(
    target: Emulator,
    hook: Parameters<Emulator['onRequest']>[0],
    args: string[] = [],
  ) {
    const stop = target.onRequest(hook)
    try {
      return await diagnose([target.url, ...args])
    } finally {
      stop()
    }
  }

  it('a healthy endpoint: four ✓ lines, the engine and its version, exit 0', async () => {
    const r = await diagnose([emu.url])
    expect(r.code, r.stdout + r.stderr).to.equal(0)
    const s = steps(r.stdout)
    expect(Object.keys(s)).to.deep.equal(['Endpoint', 'Credentials', 'Clock', 'Request'])
    expect(s.Endpoint).to.equal(
      '✓ Endpoint    not an AWS endpoint host (custom domain, proxy or tunnel) · region eu-west-1 (from AWS_REGION) · service es (the default)',
    )
    expect(s.Credentials).to.equal(
      '✓ Credentials environment (AWS_ACCESS_KEY_ID) · key ASIA…WXYZ · with session token · no expiry',
    )
    expect(s.Clock).to.match(/^✓ Clock {7}within \d+ s of the endpoint's clock$/)
    expect(s.Request).to.equal('✓ Request     GET / → 200 · OpenSearch 2.19.6')
    expect(r.stderr).to.equal('')
  })

  it("a clock 15 minutes off: ✗ Clock with the offset, AWS's refusal, then 200 re-signed; exit 1", async () => {
    emu.setClockSkew(15 * 60_000)
    const r = await diagnose([emu.url])
    expect(r.code).to.equal(1)
    const s = steps(r.stdout)
    expect(s.Clock).to.match(
      /^✗ Clock {7}machine clock is 1[45] min( \d+ s)? behind the endpoint \(AWS allows 5 min\)$/,
    )
    expect(r.stdout).to.include('sync the clock')
    expect(s.Request).to.match(
      /^✗ Request {5}GET \/ → 403 Signature expired: \d{8}T\d{6}Z is now earlier than/,
    )
    expect(s['Re-signed']).to.equal(
      "✓ Re-signed   with the endpoint's time: GET / → 200 · OpenSearch 2.19.6",
    )
  })

  it('an unknown key: AWS does not know it, named shortened with its source; exit 1', async () => {
    const r = await diagnose([emu.url], userEnv({ AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY00ABCD' }))
    expect(r.code).to.equal(1)
    expect(steps(r.stdout).Request).to.equal(
      '✗ Request     GET / → 403 The security token included in the request is invalid.',
    )
    expect(r.stdout).to.include(
      '→ AWS does not know key AKIA…ABCD (environment (AWS_ACCESS_KEY_ID)): a wrong or deleted key, or a session token sent with a long-term key',
    )
  })

  it('an expired token: the credentials have expired, refresh them; exit 1', async () => {
    emu.revoke(KEY.accessKeyId, { kind: 'expired' })
    try {
      const r = await diagnose([emu.url])
      expect(r.code).to.equal(1)
      expect(r.stdout).to.include('403 The security token included in the request is expired')
      expect(r.stdout).to.include(
        '→ the credentials (environment (AWS_ACCESS_KEY_ID)) have expired: export fresh AWS_ACCESS_KEY_ID',
      )
    } finally {
      emu.restore(KEY.accessKeyId)
    }
  })

  it('a signature mismatch from a rewritten Host: both canonical requests, the host line marked', async () => {
    const proxied = await startEmulator({
      credentials: KEY,
      region: REGION,
      // What a proxy that rewrites Host leaves the endpoint to check the signature against.
      expectedHost: 'search-logs-abc123.eu-west-1.es.amazonaws.com',
    })
    try {
      const r = await diagnose([proxied.url])
      expect(r.code).to.equal(1)
      expect(steps(r.stdout).Request).to.include(
        '403 The request signature we calculated does not match the signature you provided.',
      )
      expect(r.stdout).to.include('→ the Host differs: a proxy, load balancer or tunnel rewrote it')
      const host = r.stdout.split('\n').find((line) => line.includes('host:127.0.0.1'))
      expect(host).to.match(
        /^ +≠ host:127\.0\.0\.1:\d+ +host:search-logs-abc123\.eu-west-1\.es\.amazonaws\.com$/,
      )
      expect(r.stdout).to.include('x-amz-security-token:<redacted session token>')
    } finally {
      await proxied.close()
    }
  })

  it('a signature mismatch with every line equal: the secret key is not the one for the key', async () => {
    const r = await diagnose([emu.url], userEnv({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' }))
    expect(r.code).to.equal(1)
    expect(r.stdout).to.include(
      '→ everything signed arrived as it was signed, so the secret key is not the one AWS holds for key ASIA…WXYZ',
    )
    expect(r.stdout).not.to.include('≠')
  })

  it('a wrong region: the region signed for is named, and how to pass the right one', async () => {
    const r = await diagnose([emu.url], userEnv({ AWS_REGION: 'us-east-1' }))
    expect(r.code).to.equal(1)
    expect(r.stdout).to.include(
      "403 Credential should be scoped to a valid region, not 'us-east-1'.",
    )
    expect(r.stdout).to.include("→ us-east-1 is not the endpoint's region: pass --region")
  })

  it("an unknown region: accepted and signed for, and named 'not a known AWS region' from the SDK's data", async () => {
    const typo = await startEmulator({ credentials: KEY, region: 'eu-wset-1' })
    try {
      const r = await diagnose([typo.url, '--region', 'eu-wset-1'])
      expect(r.code, r.stdout + r.stderr).to.equal(0)
      const s = steps(r.stdout)
      expect(s.Endpoint).to.match(/^! Endpoint .* region eu-wset-1 \(from --region\)/)
      expect(r.stdout).to.include('→ eu-wset-1 is not a known AWS region: did you mean eu-west-1?')
      expect(s.Request).to.match(/^✓ Request/)
      // A known one says nothing of the kind.
      const known = await diagnose([emu.url, '--region', REGION])
      expect(known.stdout).not.to.include('not a known AWS region')
      expect(steps(known.stdout).Endpoint).to.match(/^✓ Endpoint/)
    } finally {
      await typo.close()
    }
  })

  it('a wrong service: the service the endpoint expects, as --service', async () => {
    const r = await diagnose([emu.url, '--service', 'aoss'])
    expect(r.code).to.equal(1)
    expect(steps(r.stdout).Request).to.include(
      "GET /_cat/indices → 403 Credential should be scoped to correct service: 'es'.",
    )
    expect(r.stdout).to.include(
      "→ the endpoint expects service 'es', not 'aoss': pass --service es",
    )
  })

  it('an IAM denial (identity-based): the action and the role it must be allowed for', async () => {
    const r = await withHook(emu, () => iamDenied(ROLE_SESSION, 'es:ESHttpGet'))
    expect(r.code).to.equal(1)
    expect(steps(r.stdout).Request).to.include(
      `403 User: ${ROLE_SESSION} is not authorized to perform: es:ESHttpGet because no identity-based policy allows the es:ESHttpGet action`,
    )
    expect(r.stdout).to.include(
      `→ allow es:ESHttpGet on the domain in an IAM policy attached to role ingest (${ROLE_SESSION})`,
    )
  })

  it('an access-policy denial (resource-based): the role ARN to add to the domain policy', async () => {
    const r = await withHook(emu, () => iamDenied(ROLE_SESSION, 'es:ESHttpGet', 'resource-based'))
    expect(r.stdout).to.include(
      `→ add ${ROLE} to the domain's access policy, allowing es:ESHttpGet`,
    )
  })

  it('an explicit deny: the policy that blocks it', async () => {
    const r = await withHook(emu, () =>
      iamExplicitDeny(ROLE_SESSION, 'es:ESHttpGet', 'service control'),
    )
    expect(r.stdout).to.include(
      '→ a Deny in the service control policy blocks es:ESHttpGet for role ingest',
    )
  })

  it('a fine-grained access control refusal: map that backend role to a role granting the permission', async () => {
    const r = await withHook(emu, () => fgacDenied('cluster:monitor/main', ROLE, [ROLE]))
    expect(r.code).to.equal(1)
    expect(steps(r.stdout).Request).to.include(
      `403 security_exception: no permissions for [cluster:monitor/main] and User [name=${ROLE}`,
    )
    expect(r.stdout).to.include(
      `Map backend role ${ROLE} to an OpenSearch role that grants cluster:monitor/main`,
    )
    expect(r.stdout).to.include('PUT _plugins/_security/api/rolesmapping/<role>')
  })

  it('a healthy Serverless collection: GET /_cat/indices, its indices counted', async () => {
    await harness.cli(
      ['request', '-X', 'PUT', `${serverless.url}/logs-1/_doc/1`, '-d', '{}', '--service', 'aoss'],
      {
        env: userEnv(),
      },
    )
    const r = await diagnose([serverless.url, '--service', 'aoss'])
    expect(r.code, r.stdout).to.equal(0)
    expect(steps(r.stdout).Request).to.equal(
      '✓ Request     GET /_cat/indices → 200 · OpenSearch Serverless collection, 1 index (Serverless has no version API)',
    )
  })

  it('a Serverless bare 403 with its hint: the data access policy, APIAccessAll, what was checked here', async () => {
    const r = await withHook(serverless, () => serverlessDenied(), ['--service', 'aoss'])
    expect(r.code).to.equal(1)
    expect(steps(r.stdout).Request).to.equal(
      '✗ Request     GET /_cat/indices → 403 Forbidden (x-aoss-response-hint: X01:gw-helper-deny)',
    )
    expect(r.stdout).to.include('→ OpenSearch Serverless does not say why it refuses. Check:')
    expect(r.stdout).to.include(
      'a data access policy for the collection granting aoss:DescribeIndex',
    )
    expect(r.stdout).to.include('aoss:APIAccessAll')
    expect(r.stdout).to.include('signed for service aoss, with x-amz-content-sha256: ✓')
  })

  it('a Serverless 401 network-policy denial: the network policy', async () => {
    const r = await withHook(serverless, () => serverlessNetworkDenied(), ['--service', 'aoss'])
    expect(r.code).to.equal(1)
    expect(steps(r.stdout).Request).to.include(
      '401 Unauthorized (x-aoss-response-hint: X01:network-policy-deny)',
    )
    expect(r.stdout).to.include('→ the network policy of the collection does not allow this source')
  })

  it('credentials from --profile: the profile named as their source', async () => {
    const credentials = join(harness.home, 'credentials-profile')
    writeFileSync(
      credentials,
      `[cli]\naws_access_key_id = ${KEY.accessKeyId}\naws_secret_access_key = ${KEY.secretAccessKey}\naws_session_token = ${KEY.sessionToken}\n`,
    )
    const r = await diagnose(
      [emu.url, '--profile', 'cli'],
      harness.env({ AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_REGION: REGION }),
    )
    expect(r.code, r.stdout + r.stderr).to.equal(0)
    expect(steps(r.stdout).Credentials).to.equal(
      '✓ Credentials profile "cli" · key ASIA…WXYZ · with session token · no expiry',
    )
  })

  it("--profile P: the profile's region is signed for when nothing else names one, as the aws CLI does", async () => {
    const credentials = join(harness.home, 'credentials-region')
    const config = join(harness.home, 'config-region')
    writeFileSync(
      credentials,
      `[regional]\naws_access_key_id = ${KEY.accessKeyId}\naws_secret_access_key = ${KEY.secretAccessKey}\naws_session_token = ${KEY.sessionToken}\n`,
    )
    writeFileSync(config, `[profile regional]\nregion = ${REGION}\n`)
    const env = harness.env({ AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: config })
    const r = await diagnose([emu.url, '--profile', 'regional'], env)
    expect(r.code, r.stdout + r.stderr).to.equal(0)
    expect(steps(r.stdout).Endpoint).to.include(`region ${REGION} (from profile "regional")`)
    // AWS_PROFILE names the profile as well; AWS_REGION still beats the profile.
    const viaEnv = await diagnose([emu.url], { ...env, AWS_PROFILE: 'regional' })
    expect(steps(viaEnv.stdout).Endpoint).to.include(`region ${REGION} (from profile "regional")`)
    const overridden = await diagnose([emu.url, '--profile', 'regional'], {
      ...env,
      AWS_REGION: 'us-east-1',
    })
    expect(steps(overridden.stdout).Endpoint).to.include('region us-east-1 (from AWS_REGION)')
  })

  it('a key sent without its session token: the missing token is named, not an unknown key', async () => {
    emu.addCredentials({
      accessKeyId: 'AKIDDIAGNOTOKEN0',
      secretAccessKey: 'diag-no-token',
      sessionToken: 'the-token-it-needs',
    })
    const r = await diagnose(
      [emu.url],
      harness.env({
        AWS_ACCESS_KEY_ID: 'AKIDDIAGNOTOKEN0',
        AWS_SECRET_ACCESS_KEY: 'diag-no-token',
        AWS_REGION: REGION,
      }),
    )
    expect(r.code).to.equal(1)
    expect(r.stdout).to.include('→ no session token was sent with key AKID…KEN0')
    expect(r.stdout).to.include('AWS_SESSION_TOKEN')
  })

  it('--signing-host: signed for the host a tunnel leads to', async () => {
    const domain = 'search-logs-abc123.eu-west-1.es.amazonaws.com'
    const tunnel = await startEmulator({ credentials: KEY, region: REGION, expectedHost: domain })
    try {
      const r = await diagnose([tunnel.url, '--signing-host', domain])
      expect(r.code, r.stdout + r.stderr).to.equal(0)
      expect(steps(r.stdout).Endpoint).to.include('Amazon OpenSearch Service domain')
      expect(tunnel.verdicts.map((v) => v.ok)).to.deep.equal([true])
    } finally {
      await tunnel.close()
    }
  })

  it('a profile that needs an MFA code, without a terminal: ✗ Credentials naming what to do; exit 2', async () => {
    const config = join(harness.home, 'config-mfa')
    const credentials = join(harness.home, 'credentials-mfa')
    writeFileSync(
      config,
      '[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n',
    )
    writeFileSync(
      credentials,
      `[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n`,
    )
    const r = await harness.cli(['diagnose', emu.url, '--profile', 'mfa'], {
      env: harness.env({
        AWS_CONFIG_FILE: config,
        AWS_SHARED_CREDENTIALS_FILE: credentials,
        AWS_REGION: REGION,
      }),
      detached: true,
    })
    expect(r.code).to.equal(2)
    expect(steps(r.stdout).Credentials).to.equal('✗ Credentials none found')
    expect(r.stdout).to.include(
      'arn:aws:iam::123456789012:mfa/alice and there is no terminal to ask on: run the command in a terminal',
    )
    expect(emu.verdicts.filter((v) => v.accessKeyId === 'AKIDBASE')).to.deep.equal([])
  })

  it("no credentials at all: ✗ Credentials with the chain's words and the fix; exit 2", async () => {
    const r = await diagnose([emu.url], harness.env({ AWS_REGION: REGION }))
    expect(r.code).to.equal(2)
    expect(r.stdout).to.include('✗ Credentials none found')
    expect(r.stdout).to.include('Could not load credentials from any providers')
    expect(r.stdout).to.include('Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY')
  })

  it('no region for a host that does not tell: ✗ Endpoint naming --region; exit 2', async () => {
    const r = await diagnose([emu.url], userEnv({ AWS_REGION: '' }))
    expect(r.code).to.equal(2)
    expect(r.stdout).to.match(
      /^✗ Endpoint {4}127\.0\.0\.1:\d+\n {2}→ cannot tell which AWS region to sign for: .*Pass --region/,
    )
  })

  it("a URL with a path (a proxy's prefix): the harmless request goes under it", async () => {
    const seen: string[] = []
    const stop = emu.onRequest(({ path }) => {
      seen.push(path)
      return { status: 200, body: { version: { distribution: 'opensearch', number: '2.13.0' } } }
    })
    try {
      const r = await diagnose([`${emu.url}/es/`])
      expect(r.code, r.stdout).to.equal(0)
      expect(steps(r.stdout).Request).to.equal('✓ Request     GET /es/ → 200 · OpenSearch 2.13.0')
      expect(seen).to.deep.equal(['/es/'])
    } finally {
      stop()
    }
  })

  it('usage mistakes are one line; --help lists the flags', async () => {
    const none = await diagnose([])
    expect(none.code).to.equal(2)
    expect(isOneLineError(none.stderr), none.stderr).to.equal(true)
    const help = await harness.cli(['diagnose', '--help'])
    expect(help.code).to.equal(0)
    for (const flag of ['--profile', '--region', '--service', '-m, --max-time']) {
      expect(help.stdout).to.include(flag)
    }
  })

  it('printed no secret key, session token or sent signature, in any run above', () => {
    const { runs, signatures } = scanned()
    // Requests signed in the same second with the same canonical request share a signature,
    // so this counts fewer than were sent; it only shows the scan had something to look for.
    expect(runs).to.be.greaterThan(15)
    expect(signatures).to.be.at.least(10)
    expect(leaksIn([KEY.secretAccessKey, KEY.sessionToken, 'base-secret'])).to.deep.equal([])
  })
})
