/**
 * Credentials for the commands: the AWS SDK's default Node chain (the one the connection uses),
 * with `--profile`, files re-read on every run, MFA codes asked on the terminal, and what the
 * chain says about where the credentials came from.
 */
import { openSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { ReadStream, WriteStream } from 'node:tty'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import { AwsCredentialsError } from '../errors'
import { DEFAULT_PROVIDER_TIMEOUT_MS } from '../credentials/cache'
import { withTimeout } from '../common/timeouts'

/** Credentials and where the default chain found them. */
export interface CliCredentials {
  credentials: AwsCredentialIdentity
  /** e.g. `environment (AWS_ACCESS_KEY_ID)`, `profile "dev" (SSO)`. */
  source: string
}

export interface LoadOptions {
  /** `--profile`; else AWS_PROFILE; else `default`. */
  profile?: string
  env: Readonly<Record<string, string | undefined>>
  /** Asks for an MFA code; default: on the terminal (/dev/tty). */
  mfaCode?: (serial: string) => Promise<string>
  /** Writes one note line (the SDK's warnings, made short); default: dropped. */
  note?: (line: string) => void
  timeoutMs?: number
  /** The chain; injectable for tests. Default: `defaultProvider` of the AWS SDK. */
  chain?: (init: ChainInit) => AwsCredentialIdentityProvider
}

/** What the commands pass to the AWS SDK's `defaultProvider`. */
export interface ChainInit {
  profile?: string
  /** Read the shared files afresh, not from the SDK's per-process cache. */
  ignoreCache: true
  mfaCodeProvider: (serial: string) => Promise<string>
  logger: { debug(): void; info(): void; warn(message: string): void; error(): void }
}

/** The profile name the chain reads: `--profile`, else AWS_PROFILE, else `default`. */
export function profileName(
  profile: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  return profile || env.AWS_PROFILE || 'default'
}

/**
 * The default chain as the commands ask it (`--profile`, the shared files read afresh on every
 * call, MFA codes asked on the terminal, the SDK's warnings as notes); ready to be asked again,
 * as a long-running command does when its credentials are about to expire.
 */
export async function chainProvider(options: LoadOptions): Promise<AwsCredentialIdentityProvider> {
  const name = profileName(options.profile, options.env)
  const chain = options.chain ?? (await sdkDefaultProvider())
  const provider = chain({
    ...(options.profile ? { profile: options.profile } : {}),
    ignoreCache: true,
    mfaCodeProvider: options.mfaCode ?? askOnTerminal,
    logger: {
      debug: () => undefined,
      info: () => undefined,
      error: () => undefined,
      warn: (message: string) => {
        if (message.includes('Multiple credential sources')) {
          options.note?.(
            `profile "${name}" is used; AWS_ACCESS_KEY_ID in the environment is ignored`,
          )
        }
      },
    },
  })
  return () => provider({ forceRefresh: true })
}

/** Asks the default chain once. Rejects with an AwsCredentialsError naming the fix. */
export async function loadCredentials(options: LoadOptions): Promise<CliCredentials> {
  const name = profileName(options.profile, options.env)
  const provider = await chainProvider(options)
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS
  let credentials: AwsCredentialIdentity
  try {
    credentials = await withTimeout(
      provider(),
      timeoutMs,
      () => new Error(`the credential chain did not answer within ${timeoutMs / 1000} s`),
    )
  } catch (err) {
    throw new AwsCredentialsError(
      'default credential chain',
      `no AWS credentials: ${oneLine(err)}. ${credentialsHint(options.profile, name)}`,
    )
  }
  return { credentials, source: describeSource(sourceOf(credentials), name) }
}

/**
 * The `region` of a profile, as the aws CLI reads it when nothing else names one: from the
 * shared config and credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE), read
 * afresh by the AWS SDK's own loader. Undefined when the profile has none, or the files cannot
 * be read.
 */
export async function profileRegion(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  try {
    const { loadSharedConfigFiles } = await import('@smithy/core/config')
    const { configFile, credentialsFile } = await loadSharedConfigFiles({
      ignoreCache: true,
      ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
      ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
    })
    // As the SDK's region selector for files: the credentials file's value first.
    const region = credentialsFile[name]?.region ?? configFile[name]?.region
    return region === undefined || region === '' ? undefined : region
  } catch {
    return undefined
  }
}

/** The profile's region, looked up only when neither --region nor the environment names one. */
export async function regionOfProfile(
  region: string | undefined,
  profile: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ profile: string; region: string } | undefined> {
  if (region !== undefined || env.AWS_REGION || env.AWS_DEFAULT_REGION) return undefined
  const name = profileName(profile, env)
  const found = await profileRegion(name, env)
  return found === undefined ? undefined : { profile: name, region: found }
}

async function sdkDefaultProvider(): Promise<(init: ChainInit) => AwsCredentialIdentityProvider> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node')
  return defaultProvider
}

/** What to do when the chain finds nothing, for the profile that was asked for. */
function credentialsHint(profile: string | undefined, name: string): string {
  return profile
    ? `Check profile "${name}" in ~/.aws/config and ~/.aws/credentials (or AWS_CONFIG_FILE / ` +
        `AWS_SHARED_CREDENTIALS_FILE); for SSO run \`aws sso login --profile ${name}\``
    : 'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or pass ' +
        '--profile / set AWS_PROFILE, or run where a web identity, container or instance role is available'
}

/**
 * The `$source` the AWS SDK stamps on credentials (feature ids, `@internal` in its types), read
 * defensively: anything but an object of strings counts as none.
 */
export function sourceOf(credentials: object): Readonly<Record<string, string>> {
  const source = (credentials as { $source?: unknown }).$source
  if (typeof source !== 'object' || source === null) return {}
  return Object.fromEntries(
    Object.entries(source).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  )
}

/**
 * Where the default chain found credentials, from its `$source` stamps, the most specific
 * first. The chain's EC2 instance-metadata step stamps nothing, so no stamp means IMDS.
 */
export function describeSource(source: Readonly<Record<string, string>>, profile: string): string {
  const has = (...keys: string[]): boolean => keys.some((key) => key in source)
  const named = `profile "${profile}"`
  if (has('CREDENTIALS_PROFILE_LOGIN', 'CREDENTIALS_LOGIN')) return `${named} (console login)`
  if (has('CREDENTIALS_STS_ASSUME_ROLE') && has('CREDENTIALS_PROFILE_SOURCE_PROFILE')) {
    return `${named} (assume role)`
  }
  if (
    has(
      'CREDENTIALS_PROFILE_SSO',
      'CREDENTIALS_SSO',
      'CREDENTIALS_PROFILE_SSO_LEGACY',
      'CREDENTIALS_SSO_LEGACY',
    )
  ) {
    return `${named} (SSO)`
  }
  if (has('CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN')) return `${named} (web identity)`
  if (has('CREDENTIALS_STS_ASSUME_ROLE_WEB_ID', 'CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN')) {
    return 'web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)'
  }
  if (has('CREDENTIALS_PROFILE_PROCESS', 'CREDENTIALS_PROCESS')) {
    return `${named} (credential_process)`
  }
  if (has('CREDENTIALS_PROFILE_SOURCE_PROFILE')) return `${named} (credential_source)`
  if (has('CREDENTIALS_PROFILE')) return named
  if (has('CREDENTIALS_ENV_VARS')) return 'environment (AWS_ACCESS_KEY_ID)'
  if (has('CREDENTIALS_HTTP')) return 'container credentials (ECS / EKS Pod Identity)'
  return 'EC2 instance metadata (IMDS)'
}

/**
 * An access key id as it is shown: the first 4 characters (the kind: `AKIA` long-term, `ASIA`
 * temporary) and the last 4, `AKIA…WXYZ`; for an id of 8 characters or fewer, only the first 4.
 */
export function shortKeyId(accessKeyId: string): string {
  const head = accessKeyId.slice(0, 4)
  return accessKeyId.length > 8 ? `${head}…${accessKeyId.slice(-4)}` : `${head}…`
}

/**
 * "expires in 58 min (21:40 UTC)", "expired 3 min ago (20:39 UTC)"; a day or more away, the date
 * ("expires on 2027-03-15 at 09:00 UTC (in 103 days)"); or "no expiry".
 */
export function describeExpiry(expiration: Date | undefined, now: Date): string {
  if (expiration === undefined) return 'no expiry'
  const minutes = Math.round((expiration.getTime() - now.getTime()) / 60_000)
  const iso = expiration.toISOString()
  const at = `${iso.slice(11, 16)} UTC`
  const away = Math.abs(minutes)
  if (away >= 24 * 60) {
    const days = Math.floor(away / (24 * 60))
    const when = `on ${iso.slice(0, 10)} at ${at}`
    return minutes < 0 ? `expired ${when} (${days} days ago)` : `expires ${when} (in ${days} days)`
  }
  return minutes < 0 ? `expired ${away} min ago (${at})` : `expires in ${away} min (${at})`
}

/**
 * What is wrong with credentials before anything is sent: an expired one, or a temporary key
 * (`ASIA…`) without its session token.
 */
export function credentialsProblem(
  credentials: AwsCredentialIdentity,
  now: Date,
): string | undefined {
  if (credentials.expiration !== undefined && credentials.expiration.getTime() <= now.getTime()) {
    return 'these credentials have expired: refresh them (for SSO, `aws sso login`)'
  }
  if (credentials.accessKeyId.startsWith('ASIA') && !credentials.sessionToken) {
    return 'an ASIA… key is temporary and needs its session token: set AWS_SESSION_TOKEN too'
  }
  return undefined
}

/** An error as one line, its own closing period dropped (the caller continues the sentence). */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  return text
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(/\.+$/, '')
}

/** Where MFA codes are read from and asked on: the controlling terminal, not stdin (`-d @-`). */
export interface Terminal {
  input: NodeJS.ReadableStream
  output: NodeJS.WritableStream
  close(): void
}

/**
 * Opens /dev/tty, once to read and once to write, as terminal streams (which close their handle
 * before its descriptor, unlike file streams over a tty); throws when the process has no
 * controlling terminal.
 */
function openTerminal(): Terminal {
  const input = new ReadStream(openSync('/dev/tty', 'r'))
  let output: WriteStream
  try {
    output = new WriteStream(openSync('/dev/tty', 'w'))
  } catch (err) {
    input.destroy()
    throw err
  }
  // A failing read or write rejects the prompt below; it must not crash the process as well.
  input.on('error', () => undefined)
  output.on('error', () => undefined)
  return {
    input,
    output,
    close: () => {
      input.destroy()
      output.destroy()
    },
  }
}

/** Asks for the MFA code of `serial` on a terminal; one line, trimmed. */
export async function askMfaCode(
  serial: string,
  open: () => Terminal = openTerminal,
): Promise<string> {
  let terminal: Terminal
  try {
    terminal = open()
  } catch {
    throw new Error(
      `the profile needs an MFA code for ${serial} and there is no terminal to ask on: run the ` +
        'command in a terminal, or export session credentials first (aws sts get-session-token)',
    )
  }
  try {
    const lines = createInterface({ input: terminal.input, terminal: false })
    // Listening before the prompt is out, so an answer typed ahead is not lost; the prompt
    // written out before the terminal is closed.
    const iterator = lines[Symbol.asyncIterator]()
    await new Promise<void>((resolve, reject) => {
      terminal.output.write(`MFA code for ${serial}: `, (err) => (err ? reject(err) : resolve()))
    })
    const first = await iterator.next()
    lines.close()
    const code = first.done ? '' : String(first.value).trim()
    if (code === '') throw new Error(`no MFA code was entered for ${serial}`)
    return code
  } finally {
    terminal.close()
  }
}

function askOnTerminal(serial: string): Promise<string> {
  return askMfaCode(serial)
}
