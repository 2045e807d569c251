/**
 * One request, signed and sent as the connection does it: the options resolved by the
 * connection's own table (`resolveOptions`, `resolveNodeOptions`), the connection's
 * `RequestSigner`, and the base connection class the connection extends (the installed client's
 * `UndiciConnection`), to which the signed copy is handed as the connection hands it. No second
 * signer, and no second HTTP client.
 */
import type { Readable } from 'node:stream'
import type { AwsCredentialIdentity } from '@smithy/types'
import type { ConnectionContext, SignedTransportRequest } from '../transport'
import { CredentialCache } from '../credentials'
import { RequestSigner } from '../request-signer'
import { resolveNodeOptions, resolveOptions } from '../options'
import { NodeSha256 } from '../sha256'
import { DEFAULT_MAX_BODY_BYTES } from '../constants'
import { AwsSigV4ConfigurationError } from '../errors'

export interface TargetOptions {
  /** `scheme://host[:port]/` of the URL. */
  origin: URL
  region?: string
  service?: string
  unsignedPayload?: boolean
  env: Readonly<Record<string, string | undefined>>
}

/** The connection a request goes through, and the base class it is sent with. */
export interface Target {
  context: ConnectionContext
  base: BaseConnectionClass
}

/** What the commands need of a base connection class of `@elastic/elasticsearch`. */
type BaseConnectionClass = new (options: { url: URL; timeout?: number }) => BaseConnection

interface BaseConnection {
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

/**
 * Region, service and Host for the URL, as the connection resolves them for a node. Mistakes
 * are AwsSigV4ConfigurationErrors worded for the command line (`--region`, not `region`).
 */
export function resolveTarget(options: TargetOptions): Target {
  try {
    const config = resolveOptions({
      region: options.region,
      service: options.service,
      ...(options.unsignedPayload ? { unsignedPayload: true } : {}),
    })
    const node = resolveNodeOptions(config, options.origin, { ...options.env })
    return {
      context: { ...node, url: options.origin, headers: {} },
      base: config.baseConnection as unknown as BaseConnectionClass,
    }
  } catch (err) {
    if (!(err instanceof AwsSigV4ConfigurationError)) throw err
    throw new AwsSigV4ConfigurationError(err.option, forCommandLine(err, options))
  }
}

/** The connection's configuration messages, with options named as flags. */
function forCommandLine(err: AwsSigV4ConfigurationError, options: TargetOptions): string {
  const noRegion =
    err.option === 'region' &&
    options.region === undefined &&
    !options.env.AWS_REGION &&
    !options.env.AWS_DEFAULT_REGION
  if (noRegion) {
    return (
      `cannot tell which AWS region to sign for: ${options.origin.host} is not an AWS endpoint ` +
      'host that names it. Pass --region (e.g. --region eu-west-1) or set AWS_REGION'
    )
  }
  return err.message
    .replace(/`region` option/g, '--region')
    .replace(/`service` option/g, '--service')
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

/** What came back, the body as the bytes that arrived. */
export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** Sends a signed request through the base connection, once; no retry. */
export async function send(
  signed: SignedTransportRequest,
  target: Target,
  timeoutMs: number,
): Promise<Answer> {
  const connection = new target.base({ url: target.context.url, timeout: timeoutMs })
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
      body: await readAll(response.body as Readable),
    }
  } finally {
    await connection.close()
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array))
  }
  return Buffer.concat(chunks)
}
