import { expect } from 'chai'
import { PassThrough, Writable } from 'node:stream'
import type { AwsCredentialIdentityProvider } from '@smithy/types'
import {
  askMfaCode,
  credentialsProblem,
  describeExpiry,
  describeSource,
  loadCredentials,
  profileName,
  shortKeyId,
  sourceOf,
  type ChainInit,
  type Terminal,
} from '../../lib/cli/credentials'
import { AwsCredentialsError } from '../../lib/errors'

describe('cli credentials: what is shown of them', () => {
  it('a key id is shortened to its kind and last 4; a short one to its first 4 only', () => {
    expect(shortKeyId('AKIAIOSFODNN7EXAMPLE')).to.equal('AKIA…MPLE')
    expect(shortKeyId('ASIA1234567890WXYZ')).to.equal('ASIA…WXYZ')
    expect(shortKeyId('AKIDTEST')).to.equal('AKID…')
    expect(shortKeyId('AB')).to.equal('AB…')
  })

  it("names the source from the chain's $source stamps, the most specific first", () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ CREDENTIALS_ENV_VARS: 'g' }, 'environment (AWS_ACCESS_KEY_ID)'],
      [{ CREDENTIALS_PROFILE: 'n' }, 'profile "dev"'],
      [
        { CREDENTIALS_PROFILE_PROCESS: 'v', CREDENTIALS_PROCESS: 'w' },
        'profile "dev" (credential_process)',
      ],
      [{ CREDENTIALS_PROFILE_SSO: 'r', CREDENTIALS_SSO: 's' }, 'profile "dev" (SSO)'],
      [{ CREDENTIALS_PROFILE_SSO_LEGACY: 't', CREDENTIALS_SSO_LEGACY: 'u' }, 'profile "dev" (SSO)'],
      [
        { CREDENTIALS_STS_ASSUME_ROLE: 'i', CREDENTIALS_PROFILE_SOURCE_PROFILE: 'o' },
        'profile "dev" (assume role)',
      ],
      [{ CREDENTIALS_PROFILE_SOURCE_PROFILE: 'o' }, 'profile "dev" (credential_source)'],
      [
        { CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: 'k', CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN: 'q' },
        'profile "dev" (web identity)',
      ],
      [
        { CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: 'k', CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: 'h' },
        'web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)',
      ],
      [
        { CREDENTIALS_PROFILE_LOGIN: 'AC', CREDENTIALS_LOGIN: 'AD' },
        'profile "dev" (console login)',
      ],
      [{ CREDENTIALS_HTTP: 'z' }, 'container credentials (ECS / EKS Pod Identity)'],
      [{}, 'EC2 instance metadata (IMDS)'],
    ]
    for (const [source, expected] of cases) {
      expect(describeSource(source, 'dev'), JSON.stringify(source)).to.equal(expected)
    }
  })

  it('reads $source defensively: anything but an object of strings counts as none', () => {
    expect(sourceOf({ $source: { CREDENTIALS_ENV_VARS: 'g', X: 1 } })).to.deep.equal({
      CREDENTIALS_ENV_VARS: 'g',
    })
    expect(sourceOf({})).to.deep.equal({})
    expect(sourceOf({ $source: 'env' })).to.deep.equal({})
    expect(sourceOf({ $source: null })).to.deep.equal({})
  })

  it('the profile name: --profile, else AWS_PROFILE, else default', () => {
    expect(profileName('a', { AWS_PROFILE: 'b' })).to.equal('a')
    expect(profileName(undefined, { AWS_PROFILE: 'b' })).to.equal('b')
    expect(profileName(undefined, {})).to.equal('default')
  })

  it('expiry: in minutes with the UTC time, expired, or none', () => {
    const now = new Date('2026-12-01T20:42:00Z')
    expect(describeExpiry(new Date('2026-12-01T21:40:00Z'), now)).to.equal(
      'expires in 58 min (21:40 UTC)',
    )
    expect(describeExpiry(new Date('2026-12-01T20:39:00Z'), now)).to.equal(
      'expired 3 min ago (20:39 UTC)',
    )
    expect(describeExpiry(undefined, now)).to.equal('no expiry')
  })

  it('expiries a day or more away as a date and time, not minutes', () => {
    const now = new Date('2026-12-01T20:42:00Z')
    expect(describeExpiry(new Date('2026-12-02T06:12:00Z'), now)).to.equal(
      'expires in 570 min (06:12 UTC)',
    )
    expect(describeExpiry(new Date('2027-03-15T09:00:00Z'), now)).to.equal(
      'expires on 2027-03-15 at 09:00 UTC (in 103 days)',
    )
    expect(describeExpiry(new Date('2026-11-20T08:00:00Z'), now)).to.equal(
      'expired on 2026-11-20 at 08:00 UTC (11 days ago)',
    )
  })

  it('problems before sending: expired credentials, a temporary key without its token', () => {
    const now = new Date('2026-12-01T20:42:00Z')
    const base = { accessKeyId: 'ASIAXXXXXXXXXXXXWXYZ', secretAccessKey: 's' }
    expect(credentialsProblem({ ...base, sessionToken: 't' }, now)).to.equal(undefined)
    expect(credentialsProblem(base, now)).to.match(/ASIA… key is temporary.*AWS_SESSION_TOKEN/)
    expect(
      credentialsProblem(
        { ...base, sessionToken: 't', expiration: new Date(now.getTime() - 1) },
        now,
      ),
    ).to.match(/have expired/)
    expect(credentialsProblem({ accessKeyId: 'AKIAX', secretAccessKey: 's' }, now)).to.equal(
      undefined,
    )
  })
})

describe('cli credentials: asking the default chain', () => {
  const found = { accessKeyId: 'AKIAFOUND', secretAccessKey: 'found-secret' }

  it('passes --profile and ignoreCache, forces a refresh, and names the source', async () => {
    let init: ChainInit | undefined
    let forced: unknown
    const chain = (i: ChainInit): AwsCredentialIdentityProvider => {
      init = i
      return async (options) => {
        forced = options?.forceRefresh
        return { ...found, $source: { CREDENTIALS_PROFILE: 'n' } } as typeof found
      }
    }
    const loaded = await loadCredentials({ profile: 'dev', env: {}, chain })
    expect(init?.profile).to.equal('dev')
    expect(init?.ignoreCache).to.equal(true)
    expect(typeof init?.mfaCodeProvider).to.equal('function')
    expect(forced).to.equal(true)
    expect(loaded.source).to.equal('profile "dev"')
    expect(loaded.credentials.accessKeyId).to.equal('AKIAFOUND')
  })

  it('without --profile, leaves the profile to the chain (AWS_PROFILE) and names it', async () => {
    let init: ChainInit | undefined
    const loaded = await loadCredentials({
      env: { AWS_PROFILE: 'ops' },
      chain: (i) => {
        init = i
        return async () => ({ ...found, $source: { CREDENTIALS_PROFILE: 'n' } }) as typeof found
      },
    })
    expect(init).not.to.have.property('profile')
    expect(loaded.source).to.equal('profile "ops"')
  })

  it("turns the SDK's multi-line warning about env keys beside a profile into one note", async () => {
    const notes: string[] = []
    await loadCredentials({
      profile: 'dev',
      env: {},
      note: (line) => notes.push(line),
      chain: (i) => async () => {
        i.logger.warn(
          '@aws-sdk/credential-provider-node - defaultProvider::fromEnv WARNING:\n    Multiple credential sources detected: \n    Both AWS_PROFILE and …',
        )
        return found
      },
    })
    expect(notes).to.deep.equal([
      'profile "dev" is used; AWS_ACCESS_KEY_ID in the environment is ignored',
    ])
  })

  it("a failure is an AwsCredentialsError: the chain's words on one line, and the fix", async () => {
    const fail = (message: string) => () => async () => {
      throw new Error(message)
    }
    let error: unknown
    try {
      await loadCredentials({
        env: {},
        chain: fail('Could not load credentials from any providers'),
      })
    } catch (err) {
      error = err
    }
    expect(error).to.be.instanceOf(AwsCredentialsError)
    expect((error as Error).message).to.equal(
      'no AWS credentials: Could not load credentials from any providers. Set AWS_ACCESS_KEY_ID and ' +
        'AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or pass --profile / set AWS_PROFILE, or run ' +
        'where a web identity, container or instance role is available',
    )
    try {
      await loadCredentials({
        profile: 'sso',
        env: {},
        chain: fail('The SSO session token\nis invalid.'),
      })
    } catch (err) {
      error = err
    }
    expect((error as Error).message).to.equal(
      'no AWS credentials: The SSO session token is invalid. Check profile "sso" in ~/.aws/config and ' +
        '~/.aws/credentials (or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE); for SSO run ' +
        '`aws sso login --profile sso`',
    )
  })

  it('a chain that does not answer fails after the timeout', async () => {
    let error: unknown
    try {
      await loadCredentials({ env: {}, timeoutMs: 20, chain: () => () => new Promise(() => {}) })
    } catch (err) {
      error = err
    }
    expect((error as Error).message).to.match(
      /^no AWS credentials: the credential chain did not answer within 0\.02 s\./,
    )
  })
})

describe('cli credentials: MFA codes on the terminal', () => {
  /**
   * A terminal whose writes finish a little later, as a tty's do, with the answer typed ahead;
   * it records whether it was closed before the prompt was out (which fails a real tty's write).
   */
  function fakeTerminal(answer: string) {
    const state = { prompts: [] as string[], closed: false, closedEarly: false, written: false }
    const input = new PassThrough()
    input.end(answer)
    const output = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        setTimeout(() => {
          state.prompts.push(chunk.toString())
          state.written = true
          callback()
        }, 5)
      },
    })
    const terminal: Terminal = {
      input,
      output,
      close: () => {
        state.closed = true
        state.closedEarly = !state.written
      },
    }
    return { ...state, state, open: (): Terminal => terminal }
  }

  it('asks on the terminal, naming the device, and reads one line', async () => {
    const tty = fakeTerminal(' 123456 \nignored\n')
    const code = await askMfaCode('arn:aws:iam::1:mfa/alice', tty.open)
    expect(code).to.equal('123456')
    expect(tty.state.prompts).to.deep.equal(['MFA code for arn:aws:iam::1:mfa/alice: '])
    expect(tty.state.closed).to.equal(true)
    expect(tty.state.closedEarly, 'closed before the prompt was written').to.equal(false)
  })

  it('an empty answer, or no terminal, is an error saying what to do', async () => {
    let error: unknown
    try {
      await askMfaCode('arn:aws:iam::1:mfa/alice', fakeTerminal('\n').open)
    } catch (err) {
      error = err
    }
    expect((error as Error).message).to.equal(
      'no MFA code was entered for arn:aws:iam::1:mfa/alice',
    )
    try {
      await askMfaCode('arn:aws:iam::1:mfa/alice', () => {
        throw Object.assign(new Error('ENXIO'), { code: 'ENXIO' })
      })
    } catch (err) {
      error = err
    }
    expect((error as Error).message).to.match(
      /no terminal to ask on: run the command in a terminal/,
    )
  })
})
