/**
 * `--role-arn`: temporary credentials of a role, from AWS STS's AssumeRole, asked with the base
 * credentials and signed by this package's own signer (the Query API: a form-encoded POST, an
 * XML answer). A provider for the credential cache, which refreshes them before they expire.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import { CredentialCache } from '../credentials/cache'
import { RequestSigner } from '../exchange/request-signer'
import { NodeSha256 } from '../sigv4/sha256'
import { partitionOfRegion } from '../aws/region'
import { AwsCredentialsError } from '../errors'
import type { ConnectionContext } from '../exchange/types'

/** Answers of STS are small; anything longer is not one. */
const MAX_ANSWER_BYTES = 64 * 1024

export interface AssumeRoleOptions {
  roleArn: string
  /** The credentials the role is assumed with. */
  base: AwsCredentialIdentityProvider
  /** STS's region: the endpoint's. */
  region: string
  /** Default `elasticsearch-aws-sigv4`. */
  sessionName?: string
  /** Default 3600 (the default maximum of a role). */
  durationSeconds?: number
  /** `AWS_ENDPOINT_URL_STS`, as the AWS SDKs read it; default the regional endpoint. */
  endpoint?: string
  timeoutMs?: number
}

/** The regional STS endpoint of a region, in its partition's domain. */
export function stsEndpoint(region: string): string {
  const domain = partitionOfRegion(region) === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com'
  return `https://sts.${region}.${domain}`
}

/** A provider that assumes the role on every call (the cache decides when to call). */
export function assumeRoleProvider(options: AssumeRoleOptions): AwsCredentialIdentityProvider {
  const url = new URL(options.endpoint ?? stsEndpoint(options.region))
  return async () => {
    const base = await options.base()
    const body = new URLSearchParams({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: options.roleArn,
      RoleSessionName: options.sessionName ?? 'elasticsearch-aws-sigv4',
      DurationSeconds: String(options.durationSeconds ?? 3600),
    }).toString()
    const context: ConnectionContext = {
      url,
      headers: {},
      target: {
        region: options.region,
        service: 'sts',
        host: url.host,
        regionSource: 'option',
        serviceSource: 'option',
      },
      plainMediaTypes: false,
      unsignedPayload: false,
      refusals: 'generic',
    }
    const signer = new RequestSigner({
      credentials: new CredentialCache(base),
      sha256: NodeSha256,
      maxBodyBytes: MAX_ANSWER_BYTES,
      now: () => new Date(),
    })
    const signed = await signer.sign(
      {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body,
      },
      context,
    )
    const answer = await post(url, signed.params.headers, body, options.timeoutMs ?? 10_000)
    return credentialsFrom(answer, options.roleArn)
  }
}

function post(
  url: URL,
  headers: Record<string, string | string[]>,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_ANSWER_BYTES) response.destroy(new Error('the answer is too long'))
          else chunks.push(chunk)
        })
        response.on('error', reject)
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    request.on('timeout', () =>
      request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)),
    )
    request.on('error', (err) => reject(new Error(`STS at ${url.host}: ${err.message}`)))
    request.end(body)
  })
}

/** The credentials of an AssumeRole answer, or the error it carries, naming the fix. */
export function credentialsFrom(
  answer: { status: number; text: string },
  roleArn: string,
): AwsCredentialIdentity {
  const field = (name: string): string | undefined => {
    const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(answer.text)
    return match === null ? undefined : xmlText(match[1])
  }
  const accessKeyId = field('AccessKeyId')
  const secretAccessKey = field('SecretAccessKey')
  const sessionToken = field('SessionToken')
  const expiration = field('Expiration')
  if (answer.status === 200 && accessKeyId && secretAccessKey && sessionToken && expiration) {
    return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration) }
  }
  const code = field('Code') ?? `HTTP ${answer.status}`
  const message = field('Message') ?? 'no credentials in the answer'
  throw new AwsCredentialsError(
    'AssumeRole',
    `could not assume ${roleArn}: ${code}: ${message}. Check that the base credentials may ` +
      "call sts:AssumeRole on it and that the role's trust policy allows them",
  )
}

function xmlText(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}
