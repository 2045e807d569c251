/**
 * The default `credentials`: the AWS SDK's default Node credential chain, imported on first use,
 * and not at all while the chain would answer from the environment variables, as it does on
 * Lambda (whose runtime sets them from the function's role). The chain is some 370 KB of code;
 * not loading it is most of a bundled function's cold-start cost of signing.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'

/** The default credential chain's package, imported only when it is needed. */
export const DEFAULT_CHAIN_MODULE = '@aws-sdk/credential-provider-node'

/**
 * The environment variables the chain's first link reads, as the AWS SDK spells them
 * (@aws-sdk/credential-provider-env, and `AWS_PROFILE`, which makes the chain skip them).
 */
export const ENV_CREDENTIALS = {
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  sessionToken: 'AWS_SESSION_TOKEN',
  expiration: 'AWS_CREDENTIAL_EXPIRATION',
  credentialScope: 'AWS_CREDENTIAL_SCOPE',
  accountId: 'AWS_ACCOUNT_ID',
} as const
export const ENV_PROFILE = 'AWS_PROFILE'

type Environment = Readonly<Record<string, string | undefined>>

/**
 * What the chain's first link answers, read as it reads it, or undefined where the chain would
 * look further (so it must be asked). In @aws-sdk/credential-provider-node 3.972,
 * `dist-cjs/index.js:96-125`: a profile (`AWS_PROFILE`, non-empty) skips the environment;
 * otherwise `fromEnv` (@aws-sdk/credential-provider-env, `dist-cjs/index.js:10-31`) answers when
 * the key id and the secret are both non-empty, with the token, expiration, scope and account id
 * when those are non-empty. The SDK's answer also carries `$source`, its own usage-metrics tag,
 * which nothing here reads.
 */
export function environmentCredentials(
  env: Environment = process.env,
): AwsCredentialIdentity | undefined {
  if (env[ENV_PROFILE]) return undefined
  const accessKeyId = env[ENV_CREDENTIALS.accessKeyId]
  const secretAccessKey = env[ENV_CREDENTIALS.secretAccessKey]
  if (!accessKeyId || !secretAccessKey) return undefined
  const sessionToken = env[ENV_CREDENTIALS.sessionToken]
  const expiration = env[ENV_CREDENTIALS.expiration]
  const credentialScope = env[ENV_CREDENTIALS.credentialScope]
  const accountId = env[ENV_CREDENTIALS.accountId]
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken && { sessionToken }),
    ...(expiration && { expiration: new Date(expiration) }),
    ...(credentialScope && { credentialScope }),
    ...(accountId && { accountId }),
  }
}

/**
 * The chain as a provider: the environment's credentials while the chain would return those
 * (checked on every call, as the chain does), else the chain, imported once it is first needed.
 */
export function defaultChainProvider(
  load: () => Promise<AwsCredentialIdentityProvider> = loadDefaultChain,
  env: Environment = process.env,
): AwsCredentialIdentityProvider {
  let chain: AwsCredentialIdentityProvider | undefined
  return async (props) => {
    const fromEnv = environmentCredentials(env)
    if (fromEnv !== undefined) return fromEnv
    // Kept only once loaded: a failed import is tried again by the next request.
    chain ??= await load()
    return chain(props)
  }
}

interface ChainModule {
  defaultProvider: (init?: { ignoreCache?: boolean }) => AwsCredentialIdentityProvider
}

/**
 * Imports the chain (a literal specifier, which bundlers can follow; see DEFAULT_CHAIN_MODULE).
 * `ignoreCache`: the chain otherwise reads ~/.aws/config and ~/.aws/credentials once per
 * process (@smithy/core config `readFile`, dist-cjs/submodules/config/index.js:275), so a
 * profile rotated on disk was never seen; with it, each re-ask reads both files again (and the
 * SSO token provider re-reads them too; the SSO token file itself is read afresh either way).
 */
async function loadDefaultChain(): Promise<AwsCredentialIdentityProvider> {
  const { defaultProvider } = chainExports(await import('@aws-sdk/credential-provider-node'))
  return defaultProvider({ ignoreCache: true })
}

/**
 * The chain's exports from what `import()` gave: a bundler's split-off chunk of this CommonJS
 * package may export only `default` (esbuild `--splitting`), where Node gives named exports too.
 */
export function chainExports(module: unknown): ChainModule {
  const m = module as Partial<ChainModule> & { default?: Partial<ChainModule> }
  const defaultProvider = m.defaultProvider ?? m.default?.defaultProvider
  if (typeof defaultProvider !== 'function') {
    throw new TypeError(`${DEFAULT_CHAIN_MODULE} loaded without a defaultProvider function`)
  }
  return { defaultProvider }
}
