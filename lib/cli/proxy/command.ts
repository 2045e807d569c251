/**
 * `elasticsearch-aws-sigv4 proxy --endpoint URL`: a local proxy that signs every request for the
 * tools that cannot (OpenSearch Dashboards, elasticdump, Postman, curl, a browser app). The first
 * line on stdout is the URL it listens on; the log goes to stderr; it runs until SIGINT/SIGTERM.
 */
import { readFile } from 'node:fs/promises'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import { AwsSigV4ConfigurationError } from '../../errors'
import type { CommandSpec, ParsedArgs } from '../args'
import {
  booleanValue,
  REGION_FLAG,
  SERVICE_FLAG,
  formatHelp,
  maxTimeMs,
  parseCommandArgs,
  stringValue,
  stringValues,
  usageError,
} from '../args'
import { BIN, EXIT_OK } from '../constants'
import { chainProvider, loadCredentials, profileName, regionOfProfile } from '../credentials'
import type { CliIo } from '../io'
import { forCommandLine } from '../signing'
import type { LogFormat, ProxyLogEntry } from './log'
import { batchedLines, formatLogEntry } from './log'
import type { SigningProxyOptions } from './options'
import { DEFAULT_GRACE_MS, DEFAULT_LISTEN, DEFAULT_PROXY_TIMEOUT_MS, parseListen } from './options'
import { startProxy, type SigningProxy } from './server'
import { DEFAULT_MAX_BODY_BYTES } from '../../exchange/payload'

const PROXY_COMMAND: CommandSpec = {
  name: 'proxy',
  usage: `${BIN} proxy --endpoint URL [options]`,
  summary:
    'Listens on loopback and forwards every request to the endpoint, signed with AWS SigV4 by\n' +
    'the same code as the connection (credentials refreshed ahead of expiry, revoked tokens and\n' +
    'clock skew recovered), for tools that cannot sign: OpenSearch Dashboards, elasticdump,\n' +
    'Postman, curl, a browser app. The first line on stdout is the URL it listens on.',
  flags: [
    {
      name: 'endpoint',
      value: 'URL',
      description: 'the domain, collection, Lattice service or API Gateway URL (required)',
    },
    {
      name: 'listen',
      value: 'HOST:PORT',
      description: `where to listen (default ${DEFAULT_LISTEN}; port 0 picks a free port)`,
    },
    REGION_FLAG,
    SERVICE_FLAG,
    {
      name: 'profile',
      value: 'NAME',
      description: 'credentials of profile NAME (SSO included; default: the default chain)',
    },
    {
      name: 'role-arn',
      value: 'ARN',
      description: 'assume this role with those credentials, refreshed before it expires',
    },
    {
      name: 'signing-host',
      value: 'HOST',
      description: 'sign for HOST (and check its certificate) while connecting to --endpoint',
    },
    {
      name: 'cacert',
      value: 'FILE',
      description: 'trust the CA certificates in FILE (PEM) for the endpoint',
    },
    {
      name: 'insecure',
      description: "do not check the endpoint's certificate (warns on every start)",
    },
    {
      name: 'read-only',
      description: 'forward only reads (GET, HEAD, _search, …); refuse every write',
    },
    {
      name: 'max-body-bytes',
      value: 'N',
      description: 'largest request body (default 100mb); larger ones get 413',
    },
    {
      name: 'max-buffered-bytes',
      value: 'N',
      description: 'request bodies held at once, all requests (default 2 × --max-body-bytes)',
    },
    { name: 'allow-remote', description: 'allow listening on an address other than loopback' },
    {
      name: 'client-token-env',
      value: 'NAME',
      description: 'require clients to present the token in environment variable NAME',
    },
    {
      name: 'cors',
      value: 'ORIGIN',
      multiple: true,
      description: 'answer preflights and add CORS headers for a browser app on ORIGIN',
    },
    {
      name: 'max-time',
      short: 'm',
      value: 'SECONDS',
      description: `wait SECONDS for the endpoint's answer to begin (default ${DEFAULT_PROXY_TIMEOUT_MS / 1000}), then 504`,
    },
    {
      name: 'grace',
      value: 'SECONDS',
      description: `on SIGINT/SIGTERM, let requests in flight finish for SECONDS (default ${DEFAULT_GRACE_MS / 1000})`,
    },
    {
      name: 'log',
      value: 'text|json',
      description: 'one line per request on stderr, as text (default) or JSON',
    },
    {
      name: 'quiet',
      short: 'q',
      description: 'no request lines or notes (warnings and errors still)',
    },
  ],
  notes: [
    'Credentials come from the environment and the shared files only (AWS_ACCESS_KEY_ID,',
    'AWS_PROFILE, --profile, SSO, web identity, container or instance roles), never from a flag.',
    'Whatever the client sends as Authorization or X-Amz-* is dropped; cookies pass.',
    'Answers of the proxy itself (413, 503, 502, 504, a --read-only refusal) are Elasticsearch',
    'error JSON whose reason says what to do. An AWS 403 is passed on as it came; the log line',
    'adds what it means.',
    'Sizes take a suffix: 512kb, 100mb, 1gb.',
    'Exit status: 0 after SIGINT/SIGTERM; 1 when the proxy fails while running; 2 for a usage,',
    'configuration or credentials error at start.',
  ],
}

/** Flags that would carry a secret: refused, with where the secret goes instead. */
const SECRET_FLAGS: Readonly<Record<string, string>> = {
  'secret-access-key': 'set AWS_SECRET_ACCESS_KEY (or use --profile)',
  'access-key-id': 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or use --profile)',
  'session-token': 'set AWS_SESSION_TOKEN',
  'client-token': 'put the token in an environment variable and pass --client-token-env NAME',
  token: 'put the token in an environment variable and pass --client-token-env NAME',
}

/** The programmatic options' names as the flags name them, for their errors. */
const FLAG_OF: Readonly<Record<string, string>> = {
  endpoint: '--endpoint',
  listen: '--listen',
  region: '--region',
  service: '--service',
  signingHost: '--signing-host',
  roleArn: '--role-arn',
  ca: '--cacert',
  maxBodyBytes: '--max-body-bytes',
  maxBufferedBytes: '--max-buffered-bytes',
  allowRemote: '--allow-remote',
  clientToken: '--client-token-env',
  cors: '--cors',
  timeoutMs: '--max-time',
}

export async function runProxy(argv: readonly string[], io: CliIo): Promise<number> {
  refuseSecretFlags(argv)
  const args = parseCommandArgs(PROXY_COMMAND, argv)
  if (booleanValue(args, 'help')) {
    io.stdout(formatHelp(PROXY_COMMAND))
    return EXIT_OK
  }
  const options = await planProxy(args, io)
  const format = logFormat(args)
  const quiet = booleanValue(args, 'quiet')
  const lines = batchedLines(io.stderr)
  const print = (entry: ProxyLogEntry): void => {
    if (quiet && entry.type !== 'warning') return
    lines.line(formatLogEntry(entry, format))
    // A note or a warning is read as it happens; request lines may wait for the turn's end.
    if (entry.type !== 'request') lines.flush()
  }
  const profile = stringValue(args, 'profile')
  const loaded = await loadCredentials({
    profile,
    env: io.env,
    note: (line) => io.stderr(`${BIN}: ${line}\n`),
  })
  const roleArn = stringValue(args, 'role-arn')
  const source =
    roleArn === undefined ? loaded.source : `role ${roleArn}, assumed with ${loaded.source}`
  const extras = {
    source,
    ...(loaded.source.startsWith('profile') ? { profile: profileName(profile, io.env) } : {}),
  }
  const chain = await chainProvider({ profile, env: io.env, note: () => undefined })
  const start = (region: string | undefined, regionFrom?: string): Promise<SigningProxy> =>
    startProxy(
      {
        ...options,
        ...(region === undefined ? {} : { region }),
        credentials: firstThen(loaded.credentials, chain),
        log: print,
        env: io.env,
      },
      regionFrom === undefined ? extras : { ...extras, regionFrom },
    )
  let proxy: SigningProxy
  try {
    proxy = await start(options.region)
  } catch (err) {
    if (!(err instanceof AwsSigV4ConfigurationError)) throw err
    // Nothing named a region: the profile's, as the aws CLI (and `request`, `diagnose`) take it.
    const fromProfile =
      err.option === 'region' ? await regionOfProfile(options.region, profile, io.env) : undefined
    if (fromProfile === undefined) {
      const where = { origin: options.endpoint as URL, region: options.region, env: io.env }
      throw withFlagNames(new AwsSigV4ConfigurationError(err.option, forCommandLine(err, where)))
    }
    proxy = await start(fromProfile.region, `from profile "${fromProfile.profile}"`)
  }
  io.stdout(`${proxy.url}\n`)
  await stopRequested(io)
  print({
    type: 'note',
    time: new Date().toISOString(),
    message: 'stopping: no new connections; requests in flight may finish',
  })
  await proxy.close()
  lines.flush()
  return EXIT_OK
}

/** Reads and checks the flags into the programmatic options (credentials and log aside). */
async function planProxy(args: ParsedArgs, io: CliIo): Promise<SigningProxyOptions> {
  const fail = (problem: string): never => {
    throw usageError(PROXY_COMMAND, problem)
  }
  if (args.positionals.length > 0) {
    fail(`unexpected ${JSON.stringify(args.positionals[0])}: give the endpoint as --endpoint URL`)
  }
  const endpointText = stringValue(args, 'endpoint')
  if (endpointText === undefined) fail('give the endpoint to forward to: --endpoint https://…')
  let endpoint: URL
  try {
    endpoint = new URL(endpointText as string)
  } catch {
    return fail(
      `--endpoint ${JSON.stringify(endpointText)} is not a URL: give it with its scheme, https://…`,
    )
  }
  const listen = stringValue(args, 'listen') ?? DEFAULT_LISTEN
  try {
    parseListen(listen)
  } catch {
    fail(
      `--listen ${JSON.stringify(listen)} is not HOST:PORT (e.g. 127.0.0.1:9200, or port 0 for any free one)`,
    )
  }
  const tokenVariable = stringValue(args, 'client-token-env')
  let clientToken: string | undefined
  if (tokenVariable !== undefined) {
    clientToken = io.env[tokenVariable]
    if (!clientToken) {
      fail(
        `--client-token-env ${tokenVariable}: ${tokenVariable} is not set; export ${tokenVariable}=<a random token of 16 or more characters> first`,
      )
    }
    if ((clientToken as string).length < 16 || /\s/.test(clientToken as string)) {
      fail(
        `--client-token-env ${tokenVariable}: the token in ${tokenVariable} must be 16 or more characters without spaces (e.g. openssl rand -hex 24)`,
      )
    }
  }
  const cacert = stringValue(args, 'cacert')
  const maxBodyBytes = sizeValue(args, 'max-body-bytes') ?? DEFAULT_MAX_BODY_BYTES
  const maxBufferedBytes = sizeValue(args, 'max-buffered-bytes')
  if (maxBufferedBytes !== undefined && maxBufferedBytes < maxBodyBytes) {
    fail('--max-buffered-bytes must be at least --max-body-bytes: a body the cap admits must fit')
  }
  const grace = stringValue(args, 'grace')
  const graceSeconds = grace === undefined ? DEFAULT_GRACE_MS / 1000 : Number(grace)
  if (!Number.isFinite(graceSeconds) || graceSeconds < 0)
    fail(`--grace ${grace} is not a number of seconds`)
  return {
    endpoint,
    listen,
    ...optional('region', stringValue(args, 'region')),
    ...optional('service', stringValue(args, 'service')),
    ...optional('signingHost', stringValue(args, 'signing-host')),
    ...optional('roleArn', stringValue(args, 'role-arn')),
    ...optional('ca', cacert === undefined ? undefined : await readCertificates(cacert)),
    insecure: booleanValue(args, 'insecure'),
    readOnly: booleanValue(args, 'read-only'),
    maxBodyBytes,
    ...optional('maxBufferedBytes', maxBufferedBytes),
    allowRemote: booleanValue(args, 'allow-remote'),
    ...optional('clientToken', clientToken),
    cors: stringValues(args, 'cors'),
    timeoutMs:
      stringValue(args, 'max-time') === undefined
        ? DEFAULT_PROXY_TIMEOUT_MS
        : maxTimeMs(PROXY_COMMAND, args),
    graceMs: graceSeconds * 1000,
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function logFormat(args: ParsedArgs): LogFormat {
  const value = stringValue(args, 'log') ?? 'text'
  if (value === 'text' || value === 'json') return value
  throw usageError(PROXY_COMMAND, `--log ${value}: give text or json`)
}

const SIZE = /^(\d+)\s*(b|kb|k|kib|mb|m|mib|gb|g|gib)?$/i
const UNITS: Readonly<Record<string, number>> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }

/** A size in bytes: `104857600`, `100mb`, `512kb`, `1gb` (powers of 1024, as OpenSearch reads them). */
function sizeValue(args: ParsedArgs, name: string): number | undefined {
  const text = stringValue(args, name)
  if (text === undefined) return undefined
  const match = SIZE.exec(text.trim())
  const bytes = match === null ? NaN : Number(match[1]) * UNITS[(match[2] ?? 'b')[0].toLowerCase()]
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw usageError(PROXY_COMMAND, `--${name} ${text} is not a size: give bytes, or e.g. 100mb`)
  }
  return bytes
}

async function readCertificates(file: string): Promise<Buffer> {
  let pem: Buffer
  try {
    pem = await readFile(file)
  } catch (err) {
    const code = (err as { code?: string }).code
    throw new AwsSigV4ConfigurationError(
      'cacert',
      `cannot read --cacert ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(err))}. Give a PEM file of CA certificates`,
    )
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new AwsSigV4ConfigurationError(
      'cacert',
      `--cacert ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA's certificate in PEM`,
    )
  }
  return pem
}

function refuseSecretFlags(argv: readonly string[]): void {
  for (const arg of argv) {
    const name = /^--([a-z-]+)(?:=|$)/.exec(arg)?.[1]
    const instead = name === undefined ? undefined : SECRET_FLAGS[name]
    if (instead !== undefined) {
      throw usageError(
        PROXY_COMMAND,
        `--${name} is not taken: a secret in a flag shows in ps and in shell history; ${instead}`,
      )
    }
  }
}

/** A configuration error of the programmatic form, with its options named as flags. */
function withFlagNames(err: unknown): unknown {
  if (!(err instanceof AwsSigV4ConfigurationError)) return err
  let message = err.message
  for (const [option, flag] of Object.entries(FLAG_OF)) {
    message = message.split(`\`${option}\``).join(flag)
    if (message.startsWith(`${option} must`)) message = `${flag}${message.slice(option.length)}`
  }
  return new AwsSigV4ConfigurationError(err.option, message)
}

/** The credentials loaded at start first (already checked), then the chain's, asked afresh. */
function firstThen(
  first: AwsCredentialIdentity,
  chain: AwsCredentialIdentityProvider,
): AwsCredentialIdentityProvider {
  let pending: AwsCredentialIdentity | undefined = first
  return async (props) => {
    if (pending !== undefined) {
      const credentials = pending
      pending = undefined
      return credentials
    }
    return chain(props)
  }
}

/** Resolves on SIGINT or SIGTERM (or the injected stop signal). */
function stopRequested(io: CliIo): Promise<void> {
  if (io.stop !== undefined) {
    const stop = io.stop
    return stop.aborted
      ? Promise.resolve()
      : new Promise((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }))
  }
  return new Promise((resolve) => {
    const onSignal = (): void => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      resolve()
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
}
