import { expect } from 'chai'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultProvider } from '@aws-sdk/credential-provider-node'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import {
  chainExports,
  defaultChainProvider,
  environmentCredentials,
} from '../../lib/credentials/default-chain'
import { setEnv } from '../examples/support'

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'env-secret' }

describe('environmentCredentials (the chain’s first link, read without the chain)', () => {
  const cases: Array<[label: string, env: Record<string, string>, expected: unknown]> = [
    ['key id and secret', KEYS, { accessKeyId: 'AKIDENV', secretAccessKey: 'env-secret' }],
    [
      'with a session token',
      { ...KEYS, AWS_SESSION_TOKEN: 'tok' },
      { accessKeyId: 'AKIDENV', secretAccessKey: 'env-secret', sessionToken: 'tok' },
    ],
    [
      'with expiration, scope and account id',
      {
        ...KEYS,
        AWS_CREDENTIAL_EXPIRATION: '2030-01-02T03:04:05Z',
        AWS_CREDENTIAL_SCOPE: 'eu-west-1',
        AWS_ACCOUNT_ID: '123456789012',
      },
      {
        accessKeyId: 'AKIDENV',
        secretAccessKey: 'env-secret',
        expiration: new Date('2030-01-02T03:04:05Z'),
        credentialScope: 'eu-west-1',
        accountId: '123456789012',
      },
    ],
    [
      'empty optional variables left out',
      { ...KEYS, AWS_SESSION_TOKEN: '', AWS_CREDENTIAL_EXPIRATION: '' },
      { accessKeyId: 'AKIDENV', secretAccessKey: 'env-secret' },
    ],
    ['an empty AWS_PROFILE selects no profile', { ...KEYS, AWS_PROFILE: '' }, KEYSAsCreds()],
    ['AWS_PROFILE set: the chain skips the environment', { ...KEYS, AWS_PROFILE: 'x' }, undefined],
    ['no secret', { AWS_ACCESS_KEY_ID: 'AKIDENV' }, undefined],
    ['an empty key id', { ...KEYS, AWS_ACCESS_KEY_ID: '' }, undefined],
    ['nothing set', {}, undefined],
  ]
  for (const [label, env, expected] of cases) {
    it(label, () => {
      expect(environmentCredentials(env)).to.deep.equal(expected)
    })
  }
})

function KEYSAsCreds(): AwsCredentialIdentity {
  return { accessKeyId: KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: KEYS.AWS_SECRET_ACCESS_KEY }
}

/** A credentials result made comparable: `$source` dropped, the expiration as its time value. */
function comparable(result: PromiseSettledResult<AwsCredentialIdentity>): unknown {
  if (result.status === 'rejected') return { rejected: true }
  const { expiration, ...rest } = result.value as AwsCredentialIdentity & { $source?: unknown }
  delete rest.$source
  return {
    ...rest,
    expiration: expiration === undefined ? undefined : String(expiration.getTime()),
  }
}

describe('defaultChainProvider answers what the AWS SDK chain answers', function () {
  let dir: string
  let restore: () => void
  const PROFILES = `[default]
aws_access_key_id = AKIDDEFAULTPROFILE
aws_secret_access_key = default-profile-secret

[other]
aws_access_key_id = AKIDOTHERPROFILE
aws_secret_access_key = other-profile-secret
aws_session_token = other-profile-token
`

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'default-chain-'))
    writeFileSync(join(dir, 'credentials'), PROFILES)
    writeFileSync(join(dir, 'config'), '')
  })
  after(() => rmSync(dir, { recursive: true, force: true }))
  afterEach(() => restore?.())

  // Every AWS_* variable the chain reads is set or cleared; the files hold two static profiles,
  // so each case where the chain looks past the environment has an answer to compare too.
  const cases: Array<[label: string, env: Record<string, string | undefined>]> = [
    ['key id and secret', KEYS],
    ['key id, secret and token', { ...KEYS, AWS_SESSION_TOKEN: 'env-token' }],
    [
      'expiration, scope, account id',
      {
        ...KEYS,
        AWS_CREDENTIAL_EXPIRATION: '2031-05-06T07:08:09.000Z',
        AWS_CREDENTIAL_SCOPE: 'us-east-2',
        AWS_ACCOUNT_ID: '210987654321',
      },
    ],
    ['an expiration that is no date', { ...KEYS, AWS_CREDENTIAL_EXPIRATION: 'soon' }],
    ['AWS_PROFILE=other beside the keys', { ...KEYS, AWS_PROFILE: 'other' }],
    ['AWS_PROFILE empty beside the keys', { ...KEYS, AWS_PROFILE: '' }],
    ['an empty secret: the default profile', { ...KEYS, AWS_SECRET_ACCESS_KEY: '' }],
    ['no keys: the default profile', {}],
    ['AWS_PROFILE naming no profile', { AWS_PROFILE: 'missing' }],
  ]
  for (const [label, env] of cases) {
    it(label, async () => {
      restore = setEnv({
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_CREDENTIAL_EXPIRATION: undefined,
        AWS_CREDENTIAL_SCOPE: undefined,
        AWS_ACCOUNT_ID: undefined,
        AWS_PROFILE: undefined,
        AWS_ROLE_ARN: undefined,
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env,
      })
      // The SDK warns (once per process) when AWS_PROFILE and the keys are both set.
      const warn = console.warn
      console.warn = () => {}
      try {
        const [sdk, ours] = await Promise.allSettled([
          defaultProvider({ ignoreCache: true })({ forceRefresh: true }),
          defaultChainProvider()({ forceRefresh: true }),
        ])
        expect(comparable(ours)).to.deep.equal(comparable(sdk))
      } finally {
        console.warn = warn
      }
    })
  }
})

describe('defaultChainProvider', () => {
  function countingLoader(provider: AwsCredentialIdentityProvider) {
    const loader = { calls: 0, load: async () => (loader.calls++, provider) }
    return loader
  }
  const FROM_CHAIN = { accessKeyId: 'AKIDCHAIN', secretAccessKey: 'chain-secret' }

  it('answers from the environment without loading the chain', async () => {
    const loader = countingLoader(async () => FROM_CHAIN)
    const provider = defaultChainProvider(loader.load, KEYS)
    expect(await provider()).to.deep.equal(KEYSAsCreds())
    expect(loader.calls).to.equal(0)
  })

  it('loads the chain once when the environment has no answer, and passes the call on', async () => {
    const seen: unknown[] = []
    const loader = countingLoader(async (props) => (seen.push(props), FROM_CHAIN))
    const provider = defaultChainProvider(loader.load, { AWS_PROFILE: 'p', ...KEYS })
    expect(await provider({ forceRefresh: true })).to.equal(FROM_CHAIN)
    expect(await provider({ forceRefresh: true })).to.equal(FROM_CHAIN)
    expect(loader.calls).to.equal(1)
    expect(seen).to.deep.equal([{ forceRefresh: true }, { forceRefresh: true }])
  })

  it('reads the environment on every call, as the chain does', async () => {
    const env: Record<string, string | undefined> = {}
    const loader = countingLoader(async () => FROM_CHAIN)
    const provider = defaultChainProvider(loader.load, env)
    expect(await provider()).to.equal(FROM_CHAIN)
    Object.assign(env, KEYS)
    expect(await provider()).to.deep.equal(KEYSAsCreds())
    env.AWS_PROFILE = 'p'
    expect(await provider()).to.equal(FROM_CHAIN)
  })

  it('tries the import again after it failed', async () => {
    let attempts = 0
    const provider = defaultChainProvider(async () => {
      if (++attempts === 1) throw Object.assign(new Error('gone'), { code: 'MODULE_NOT_FOUND' })
      return async () => FROM_CHAIN
    }, {})
    await provider().then(
      () => expect.fail('expected the first call to fail'),
      (err: Error) => expect(err.message).to.equal('gone'),
    )
    expect(await provider()).to.equal(FROM_CHAIN)
    expect(attempts).to.equal(2)
  })
})

describe('chainExports', () => {
  const defaultProviderFn = () => async () => ({ accessKeyId: 'a', secretAccessKey: 'b' })

  it('takes the named export (Node, and bundles that inline the chain)', () => {
    expect(chainExports({ defaultProvider: defaultProviderFn }).defaultProvider).to.equal(
      defaultProviderFn,
    )
  })

  it("takes the default export's, as a bundler's split chunk of a CommonJS package offers", () => {
    expect(
      chainExports({ default: { defaultProvider: defaultProviderFn } }).defaultProvider,
    ).to.equal(defaultProviderFn)
  })

  it('says so when neither is a function', () => {
    expect(() => chainExports({ default: {} })).to.throw(
      TypeError,
      '@aws-sdk/credential-provider-node loaded without a defaultProvider function',
    )
  })

  it('reads the real package', async () => {
    const m: unknown = await import('@aws-sdk/credential-provider-node')
    expect(chainExports(m).defaultProvider).to.equal(defaultProvider)
  })
})
