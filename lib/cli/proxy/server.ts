/**
 * The signing proxy: an HTTP server on loopback (by default) that forwards every request to the
 * endpoint signed, through the same signing, credential cache and recovery as the connection
 * (`createExchanges`), and stops gracefully.
 */
import { createServer } from 'node:http'
import type { ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isIP } from 'node:net'
import { lookup } from 'node:dns/promises'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import type { CredentialsOption } from '../../credentials/option'
import { CredentialCache } from '../../credentials/cache'
import { createExchanges } from '../../exchange/exchanges'
import { resolveNodeOptions } from '../../connection/options'
import type { ConnectionContext } from '../../exchange/types'
import { NodeSha256 } from '../../sigv4/sha256'
import {
  DEFAULT_MAX_AGE_MS,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  DEFAULT_REFRESH_MARGIN_MS,
} from '../../credentials/cache'
import { AwsSigV4ConfigurationError } from '../../errors'
import { assumeRoleProvider } from '../assume-role'
import { chainProvider, describeSource, profileName, shortKeyId, sourceOf } from '../credentials'
import { describeTarget } from '../output'
import { isLoopbackHost } from './access'
import { ByteBudget } from './budget'
import { forward } from './forward'
import type { ProxyRuntime } from './forward'
import { endpointOrigins } from './headers'
import type { NoteLogEntry, ProxyLogEntry } from './log'
import type { Signer } from './meaning'
import type { ResolvedProxyOptions, SigningProxyOptions } from './options'
import { resolveProxyOptions } from './options'
import { Upstream } from './upstream'

/** A running proxy. */
export interface SigningProxy {
  /** `http://127.0.0.1:PORT`: where it listens. */
  readonly url: string
  /**
   * Stops accepting connections, lets requests in flight finish (up to `graceMs`), then closes
   * every connection. Resolves once it is closed; calling it again returns the same promise.
   */
  close(): Promise<void>
}

/** What the command line knows of the credentials beyond the options. */
export interface StartExtras {
  /** Where the credentials came from, as `diagnose` says it. */
  source?: string
  profile?: string
  /** Where the region came from when no flag, host or variable named it (`from profile "dev"`). */
  regionFrom?: string
}

/** Starts a signing proxy; resolves once it listens, with its URL. */
export function startSigningProxy(options: SigningProxyOptions): Promise<SigningProxy> {
  return startProxy(options)
}

export async function startProxy(
  input: SigningProxyOptions,
  extras: StartExtras = {},
): Promise<SigningProxy> {
  const options = resolveProxyOptions(input)
  const env = options.env ?? process.env
  const log = (entry: ProxyLogEntry): void => options.log?.(entry)
  const note = (type: NoteLogEntry['type'], message: string): void =>
    log({ type, time: new Date().toISOString(), message })

  const node = resolveNodeOptions(
    {
      region: options.region,
      service: options.service,
      signingHost: options.signingHost,
      adaptToAmazonEngine: options.adaptToAmazonEngine,
      unsignedPayload: undefined,
    },
    options.endpoint,
    { ...env },
  )
  const context: ConnectionContext = { ...node, url: options.endpoint, headers: {} }

  if (!options.allowRemote && !(await isLoopbackAddress(options.host))) {
    throw new AwsSigV4ConfigurationError(
      'allowRemote',
      `${options.host} is not a loopback address: whoever reaches the proxy there acts with your ` +
        'IAM identity. Listen on 127.0.0.1 (the default), or allow it with `allowRemote` (and ' +
        'require a `clientToken`).',
    )
  }

  const signing = createExchanges({
    credentials: credentialsFor(options, context, env),
    sha256: NodeSha256,
    maxBodyBytes: options.maxBodyBytes,
    credentialsRefreshMarginMs: DEFAULT_REFRESH_MARGIN_MS,
    credentialsMaxAgeMs: DEFAULT_MAX_AGE_MS,
    credentialsTimeoutMs: DEFAULT_PROVIDER_TIMEOUT_MS,
    retryOnAwsRejection: true,
    // A refusal reaches the client as AWS sent it; the log line says what it means.
    debugSignatureMismatch: false,
    addResponseHint: false,
  })
  // Credentials now, so that none is a failure at start, not on the first request.
  const first = await signing.credentials.get()
  const signer: Signer = {
    source: extras.source ?? sourceFor(options, first, env),
    ...(extras.profile === undefined ? {} : { profile: extras.profile }),
  }

  const upstream = new Upstream({
    url: options.endpoint,
    ...(options.signingHost === undefined
      ? {}
      : { servername: context.target.host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1') }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    insecure: options.insecure,
    timeoutMs: options.timeoutMs,
  })
  const inFlight = new Set<ServerResponse>()
  let closing = false
  let drained: (() => void) | undefined
  const server = createServer({ keepAliveTimeout: 60_000 })
  const rt: ProxyRuntime = {
    exchanges: signing.exchanges,
    context,
    upstream,
    rules: {
      loopbackOnly: !options.allowRemote,
      listenHost: options.host,
      corsOrigins: options.cors,
      ...(options.clientToken === undefined ? {} : { clientToken: options.clientToken }),
    },
    readOnly: options.readOnly,
    maxBodyBytes: options.maxBodyBytes,
    budget: new ByteBudget(options.maxBufferedBytes, options.bufferWaitMs),
    bufferWaitMs: options.bufferWaitMs,
    endpointOrigins: endpointOrigins(
      options.endpoint,
      options.signingHost === undefined ? undefined : context.target.host,
    ),
    endpointPrefix: options.endpoint.pathname.replace(/\/+$/, ''),
    listenOrigin: '',
    signer,
    log,
    closing: () => closing,
  }
  const handler =
    (expectsContinue: boolean) => (req: Parameters<typeof forward>[0], res: ServerResponse) => {
      inFlight.add(res)
      res.once('close', () => {
        inFlight.delete(res)
        if (inFlight.size === 0) drained?.()
      })
      void forward(req, res, rt, expectsContinue)
    }
  server.on('request', handler(false))
  server.on('checkContinue', handler(true))
  // Tunnelling (`CONNECT`) is another kind of proxy: refused, not forwarded.
  server.on('connect', (_req, socket: import('node:net').Socket) => {
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  })

  await listen(server, options)
  const address = server.address() as AddressInfo
  const shownHost = isIP(options.host) === 6 ? `[${options.host}]` : options.host
  const url = `http://${shownHost}:${address.port}`
  rt.listenOrigin = url

  announce(options, context, first, signer, url, env, note, extras.regionFrom)

  let closed: Promise<void> | undefined
  const close = async (): Promise<void> => {
    closing = true
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    if (inFlight.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined
      await new Promise<void>((resolve) => {
        drained = resolve
        timer = setTimeout(resolve, options.graceMs)
      })
      clearTimeout(timer)
    }
    server.closeAllConnections()
    await serverClosed
    upstream.close()
  }
  return {
    url,
    close: () => (closed ??= close()),
  }
}

/** The credentials to sign with: the option, a profile of the chain, or the chain; a role on top. */
function credentialsFor(
  options: ResolvedProxyOptions,
  context: ConnectionContext,
  env: Readonly<Record<string, string | undefined>>,
): CredentialsOption | undefined {
  let base: CredentialsOption | undefined = options.credentials
  if (base === undefined && options.profile !== undefined) base = profileChain(options.profile, env)
  if (options.roleArn === undefined) return base
  // The base credentials through a cache of their own: any form the option takes, fetched when due.
  const baseCache = new CredentialCache(base)
  return assumeRoleProvider({
    roleArn: options.roleArn,
    base: () => baseCache.get(),
    region: context.target.region,
    ...(env.AWS_ENDPOINT_URL_STS ? { endpoint: env.AWS_ENDPOINT_URL_STS } : {}),
  })
}

/** The default chain for one profile, its files read afresh whenever it is asked. */
function profileChain(
  profile: string,
  env: Readonly<Record<string, string | undefined>>,
): AwsCredentialIdentityProvider {
  let provider: Promise<AwsCredentialIdentityProvider> | undefined
  return async () => {
    provider ??= chainProvider({ profile, env })
    return (await provider)()
  }
}

function sourceFor(
  options: ResolvedProxyOptions,
  first: AwsCredentialIdentity,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (options.roleArn !== undefined) return `role ${options.roleArn}`
  if (options.credentials !== undefined) return 'the credentials option'
  return describeSource(sourceOf(first), profileName(options.profile, env))
}

/** Whether every address `host` stands for is a loopback one. */
async function isLoopbackAddress(host: string): Promise<boolean> {
  if (isIP(host) !== 0) return isLoopbackHost(host)
  try {
    const addresses = await lookup(host, { all: true })
    return addresses.length > 0 && addresses.every((a) => isLoopbackHost(a.address))
  } catch {
    return false
  }
}

function listen(server: import('node:http').Server, options: ResolvedProxyOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, options)))
    server.listen(options.port, options.host, () => {
      server.removeAllListeners('error')
      resolve()
    })
  })
}

/** Why the proxy cannot listen, naming the fix. */
function listenError(err: NodeJS.ErrnoException, options: ResolvedProxyOptions): Error {
  const where = `${options.host}:${options.port}`
  if (err.code === 'EADDRINUSE') {
    return new AwsSigV4ConfigurationError(
      'listen',
      `${where} is already in use: listen on another port, or port 0 for any free one.`,
    )
  }
  if (err.code === 'EACCES') {
    return new AwsSigV4ConfigurationError(
      'listen',
      `${where} needs privileges to listen on: use a port above 1023, or port 0.`,
    )
  }
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
    return new AwsSigV4ConfigurationError(
      'listen',
      `${options.host} is not an address of this machine: listen on 127.0.0.1, or one of its addresses.`,
    )
  }
  return err
}

/** The start, as notes, and what is unsafe, as warnings (every start). */
function announce(
  options: ResolvedProxyOptions,
  context: ConnectionContext,
  first: AwsCredentialIdentity,
  signer: Signer,
  url: string,
  env: Readonly<Record<string, string | undefined>>,
  note: (type: NoteLogEntry['type'], message: string) => void,
  regionFrom?: string,
): void {
  const endpoint = `${options.endpoint.origin}${options.endpoint.pathname.replace(/\/+$/, '')}`
  note(
    'note',
    `proxy ${url} → ${endpoint}: ${describeTarget(context.target, env, regionFrom)} · key ` +
      `${shortKeyId(first.accessKeyId)} (${signer.source})` +
      (options.readOnly ? ' · read-only' : '') +
      (context.unsignedPayload === true ? ' · bodies streamed, UNSIGNED-PAYLOAD' : ''),
  )
  if (options.allowRemote && !isLoopbackHost(options.host)) {
    note(
      'warning',
      `listening on ${url}, not on loopback: whoever reaches this port acts with your IAM ` +
        'identity' +
        (options.clientToken === undefined
          ? ' (no client token is required)'
          : ', if they present the client token'),
    )
  }
  if (options.insecure) {
    note(
      'warning',
      `--insecure: the certificate of ${options.endpoint.host} is not checked, so anyone on the ` +
        'network path can read and change what is sent, and the answers',
    )
  }
}
