/**
 * One request, signed and sent as the connection does it: the options resolved by the
 * connection's own table (`resolveOptions`, `resolveNodeOptions`), the connection's
 * `RequestSigner`, and the base connection class the connection extends (the installed client's
 * default: `UndiciConnection` of 8.x/9.x, or `Connection` of 7.x), to which the signed copy is
 * handed as the connection hands it. No second signer, and no second HTTP client.
 */
import type { IncomingMessage } from 'node:http'
import type { Readable } from 'node:stream'
import type { AwsCredentialIdentity } from '@smithy/types'
import type { ConnectionContext, SignedTransportRequest } from '../exchange/types'
import { CredentialCache } from '../credentials/cache'
import { RequestSigner } from '../exchange/request-signer'
import type { ConnectionConstructor } from '../connection/types'
import { resolveNodeOptions, resolveOptions } from '../connection/options'
import { lineageOf } from '../connection/lineage'
import { sendableCopy } from '../connection/callback-connection'
import { NodeSha256 } from '../sigv4/sha256'
import { DEFAULT_MAX_BODY_BYTES } from '../exchange/payload'
import { AwsSigV4ConfigurationError } from '../errors'
import { withoutEchoedSecretsInHeaders } from '../exchange/secret-views'
import { MAX_BODY_BYTES } from './constants'

export interface TargetOptions {
  /** `scheme://host[:port]/` of the URL. */
  origin: URL
  region?: string
  service?: string
  /** `--signing-host`: sign for this host (a tunnel's far end) instead of the URL's. */
  signingHost?: string
  unsignedPayload?: boolean
  env: Readonly<Record<string, string | undefined>>
  /**
   * The region of the profile in use, signed for when neither `--region`, the host nor the
   * environment names one, as the aws CLI does.
   */
  profileRegion?: { profile: string; region: string }
}

/** The connection a request goes through, and the base class it is sent with. */
export interface Target {
  context: ConnectionContext
  base: BaseConnectionClass
  /** Where the region came from, when no SigV4 source says it: `from profile "dev"`. */
  regionFrom?: string
}

/**
 * What the commands need of a base connection class: one of the promise lineage (8.x, 9.x:
 * `request(params, options)` resolves with the response) or of the callback lineage (7.x, the
 * OpenSearch client: `request(params, callback)` calls back with the `IncomingMessage`).
 */
type BaseConnectionClass = new (options: { url: URL; timeout?: number }) => unknown

interface PromiseConnection {
  request(
    params: SignedTransportRequest['params'],
    options: Record<string, unknown>,
  ): Promise<{
    statusCode: number
    headers: Record<string, string | string[] | undefined>
    body: unknown
  }>
  close(): Promise<void>
}

interface CallbackConnection {
  request(
    params: Record<string, unknown>,
    callback: (err: Error | null, response: IncomingMessage | null) => void,
  ): unknown
  close(callback?: () => void): void
}

/**
 * Region, service and Host for the URL, as the connection resolves them for a node. Mistakes
 * are AwsSigV4ConfigurationErrors worded for the command line (`--region`, not `region`).
 */
export function resolveTarget(options: TargetOptions): Target {
  try {
    return targetFor(options, options.region)
  } catch (err) {
    if (!(err instanceof AwsSigV4ConfigurationError)) throw err
    const { profileRegion } = options
    if (isNoRegion(err, options) && profileRegion !== undefined) {
      return {
        ...targetFor(options, profileRegion.region),
        regionFrom: `from profile "${profileRegion.profile}"`,
      }
    }
    throw new AwsSigV4ConfigurationError(err.option, forCommandLine(err, options))
  }
}

function targetFor(options: TargetOptions, region: string | undefined): Target {
  try {
    const config = resolveOptions({
      region,
      service: options.service,
      signingHost: options.signingHost,
      ...(options.unsignedPayload ? { unsignedPayload: true } : {}),
    })
    const node = resolveNodeOptions(config, options.origin, { ...options.env })
    return {
      context: { ...node, url: options.origin, headers: {} },
      base: config.baseConnection as unknown as BaseConnectionClass,
    }
  } catch (err) {
    if (!(err instanceof AwsSigV4ConfigurationError) || region === options.region) throw err
    throw new AwsSigV4ConfigurationError(
      err.option,
      err.message.replace(
        /`region` option/g,
        `region of profile "${options.profileRegion?.profile}"`,
      ),
    )
  }
}

/** Nothing named a region: no `--region`, no region in the host, no AWS_REGION. */
function isNoRegion(
  err: AwsSigV4ConfigurationError,
  options: Pick<TargetOptions, 'region' | 'env'>,
): boolean {
  return (
    err.option === 'region' &&
    options.region === undefined &&
    !options.env.AWS_REGION &&
    !options.env.AWS_DEFAULT_REGION
  )
}

/** The connection's configuration messages, with options named as flags. */
export function forCommandLine(
  err: AwsSigV4ConfigurationError,
  options: Pick<TargetOptions, 'origin' | 'region' | 'env'>,
): string {
  if (isNoRegion(err, options)) {
    return (
      `cannot tell which AWS region to sign for: ${options.origin.host} is not an AWS endpoint ` +
      'host that names it. Pass --region (e.g. --region eu-west-1) or set AWS_REGION'
    )
  }
  return err.message
    .replace(/`region` option/g, '--region')
    .replace(/`service` option/g, '--service')
    .replace(/`signingHost` option/g, '--signing-host')
    .replace(/^`signingHost` host/, 'The --signing-host host')
    .replace(/^Node host/, 'The URL host')
}

/** Signs requests with fixed credentials, dated by `now` (the machine clock by default). */
export function signerFor(
  credentials: AwsCredentialIdentity,
  now: () => Date = () => new Date(),
): RequestSigner {
  return new RequestSigner({
    credentials: new CredentialCache(credentials),
    sha256: NodeSha256,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    now,
  })
}

/** What came back, the body as the bytes that arrived (up to MAX_BODY_BYTES). */
export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** The body went on past MAX_BODY_BYTES: `body` holds its start, the rest was not read. */
  cut?: boolean
}

/**
 * Sends a signed request through the base connection, once; no retry. The answer's headers come
 * with the request's token and signature replaced, should the server quote them (`-i`, `-v`).
 */
export async function send(
  signed: SignedTransportRequest,
  target: Target,
  timeoutMs: number,
): Promise<Answer> {
  const answer = await (lineageOf(target.base as ConnectionConstructor) === 'callback'
    ? sendWithCallback(signed, target, timeoutMs)
    : sendWithPromise(signed, target, timeoutMs))
  const headers = withoutEchoedSecretsInHeaders(answer.headers, signed) as Answer['headers']
  return headers === answer.headers ? answer : { ...answer, headers }
}

async function sendWithPromise(
  signed: SignedTransportRequest,
  target: Target,
  timeoutMs: number,
): Promise<Answer> {
  const connection = new target.base({
    url: target.context.url,
    timeout: timeoutMs,
  }) as PromiseConnection
  try {
    const response = await connection.request(signed.params, {
      requestId: 1,
      name: 'elasticsearch-aws-sigv4',
      context: null,
      // The body as it arrived, not decoded to a string nor decompressed.
      asStream: true,
    })
    return {
      status: response.statusCode,
      headers: response.headers,
      ...(await readAtMost(response.body as Readable, MAX_BODY_BYTES)),
    }
  } finally {
    await connection.close()
  }
}

async function sendWithCallback(
  signed: SignedTransportRequest,
  target: Target,
  timeoutMs: number,
): Promise<Answer> {
  const connection = new target.base({ url: target.context.url }) as CallbackConnection
  try {
    // The signed copy keeps its redacting views (it is what `debug` logs); the timeout goes on it.
    const params = sendableCopy({ timeout: timeoutMs }, signed)
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      connection.request(params, (err, res) =>
        err !== null || res === null ? reject(err ?? new Error('no response')) : resolve(res),
      )
    })
    return {
      status: response.statusCode ?? 0,
      headers: response.headers,
      ...(await readAtMost(response, MAX_BODY_BYTES)),
    }
  } finally {
    connection.close()
  }
}

/** A body read to its end or to `max` bytes, whichever comes first; past `max` it is destroyed. */
export async function readAtMost(
  stream: Readable,
  max: number,
): Promise<{ body: Buffer; cut?: true }> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string)
    if (total + bytes.length > max) {
      chunks.push(bytes.subarray(0, max - total))
      stream.destroy()
      return { body: Buffer.concat(chunks, max), cut: true }
    }
    chunks.push(bytes)
    total += bytes.length
  }
  return { body: Buffer.concat(chunks, total) }
}
