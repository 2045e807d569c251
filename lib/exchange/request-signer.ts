/**
 * One attempt of a transport request, signed: the headers, body, path and query as they will go
 * on the wire, the credentials, then SigV4 (sigv4/sign.ts) over exactly that.
 */
import type { AwsCredentialIdentity } from '@smithy/types'
import type { ChecksumConstructor } from '../sigv4/sha256'
import type { CredentialCache } from '../credentials/cache'
import type { ConnectionContext, SignedTransportRequest, TransportRequest } from './types'
import type { PreparedPayload } from './payload'
import type { RequestToSign, Signature } from '../sigv4/types'
import { mergeHeaders, headerString } from './headers'
import { isReadable, preparePayload, preparePayloadNow } from './payload'
import { encodedQuery } from '../sigv4/canonical-query'
import { signNow, signRequest } from '../sigv4/sign'
import { NodeSha256 } from '../sigv4/sha256'
import { AwsSigV4AbortError } from '../errors'
import { withPlainMediaTypes } from './media-types'
import { withSecretsHidden } from './secret-views'

export interface RequestSignerOptions {
  credentials: CredentialCache
  sha256: ChecksumConstructor
  maxBodyBytes: number
  /** Current time for `x-amz-date`, corrected for a known clock offset. */
  now: () => Date
}

/**
 * Signs one request attempt, start to finish. The transport's `params` object is never
 * modified: it is shown in diagnostic events and error `meta`, so the signed headers go into a
 * copy.
 */
export class RequestSigner {
  readonly #options: RequestSignerOptions

  constructor(options: RequestSignerOptions) {
    this.#options = options
  }

  /**
   * Signs the request now, without a promise, when nothing has to be waited for: credentials
   * at hand (static, or cached and fresh), a body that needs no reading (none, a string, bytes)
   * and Node's native hash. Otherwise undefined, and {@link sign} does it. Throws what `sign`
   * rejects with (an aborted signal, a bad header or body, an unsignable query).
   */
  signSync(
    params: TransportRequest,
    connection: ConnectionContext,
    signal?: AbortSignal,
  ): SignedTransportRequest | undefined {
    throwIfAborted(signal)
    if (this.#options.sha256 !== NodeSha256 || isReadable(params.body)) return undefined
    const credentials = this.#options.credentials.peek()
    if (credentials === undefined) return undefined
    const headers = headersToSend(params, connection)
    const attempt = attemptOf(
      params,
      connection,
      headers,
      preparePayloadNow(params.body, connection.unsignedPayload),
    )
    const signature = signNow(attempt.toSign, {
      credentials,
      region: connection.target.region,
      service: connection.target.service,
      signingDate: this.#options.now(),
    })
    return signed(attempt, signature, credentials)
  }

  /**
   * Signs the request, waiting for what has to be: credentials, a stream's bytes, a custom hash.
   * `waitMs`, the request's timeout, bounds the wait for credentials (see `CredentialCache.get`).
   */
  async sign(
    params: TransportRequest,
    connection: ConnectionContext,
    signal?: AbortSignal,
    waitMs?: number,
  ): Promise<SignedTransportRequest> {
    const now = this.signSync(params, connection, signal)
    if (now !== undefined) return now
    const { credentials, sha256, maxBodyBytes } = this.#options

    // 1. The headers as they will be sent (connection defaults, then the request's own).
    const headers = headersToSend(params, connection)

    // 2. The body: hashed, or a stream buffered (up to the cap) and hashed, or marked unsigned.
    const payload = await preparePayload(params.body, {
      maxBodyBytes,
      unsignedPayload: connection.unsignedPayload,
      sha256,
      signal,
    })
    throwIfAborted(signal)

    // 3. Path and query exactly as they go on the wire; the query's pairs encoded canonically.
    const attempt = attemptOf(params, connection, headers, payload)

    // 4. Credentials (cached, refreshed ahead of expiry), then the signature.
    const identity = await credentials.get(signal, waitMs)
    throwIfAborted(signal)
    const signature = await signRequest(attempt.toSign, {
      credentials: identity,
      region: connection.target.region,
      service: connection.target.service,
      signingDate: this.#options.now(),
      sha256,
    })
    throwIfAborted(signal)
    return signed(attempt, signature, identity)
  }
}

/** One attempt, before its signature: what is sent, and the part of it that is signed. */
interface Attempt {
  method: string
  /** The request path as the base connection takes it (it adds the node's prefix). */
  path: string
  /** The query as sent: the caller's order, each pair encoded as in the canonical query. */
  querystring: string
  headers: Record<string, string | string[]>
  payload: PreparedPayload
  toSign: RequestToSign
}

/** The headers as they will be sent: the connection's, then the request's, media types plain. */
function headersToSend(
  params: TransportRequest,
  connection: ConnectionContext,
): Record<string, string | string[]> {
  const headers = mergeHeaders(connection.headers, params.headers)
  return connection.plainMediaTypes ? withPlainMediaTypes(headers) : headers
}

/**
 * The path (starting with `/`, dot segments encoded) and query as sent, and what is signed: the
 * method, host, path with the node's prefix, the canonical query (the same pairs, sorted), the
 * signed subset of the headers and the payload hash.
 */
function attemptOf(
  params: TransportRequest,
  connection: ConnectionContext,
  headers: Record<string, string | string[]>,
  payload: PreparedPayload,
): Attempt {
  if (payload.contentLength !== undefined) headers['content-length'] = String(payload.contentLength)
  const path = withoutDotSegments(params.path.startsWith('/') ? params.path : `/${params.path}`)
  const query = encodedQuery(params.querystring)
  const toSign: RequestToSign = {
    method: params.method,
    host: connection.target.host,
    path: joinPath(connection.url.pathname, path),
    query: query.canonical,
    headers: signedHeaderSubset(headers),
    payloadHash: payload.hash,
  }
  return { method: params.method, path, querystring: query.sent, headers, payload, toSign }
}

/** The signed copy for the base connection, its signature hidden from `inspect` and JSON. */
function signed(
  { method, path, querystring, headers, payload }: Attempt,
  signature: Signature,
  credentials: AwsCredentialIdentity,
): SignedTransportRequest {
  return {
    params: withSecretsHidden(
      { method, path, querystring, body: payload.body },
      headers,
      signature.headers,
    ),
    describe: signature.describe,
    credentials,
    replayable: !isReadable(payload.body),
  }
}

/**
 * The path the base connection puts on the wire: the node URL's path prefix (without its
 * trailing slash) followed by the request path. UndiciConnection and HttpConnection agree on
 * this for every path that starts with `/`, which is why `sign` makes sure it does.
 */
export function joinPath(prefix: string, path: string): string {
  const base = prefix === '/' ? '' : prefix.replace(/\/$/, '')
  return base + path
}

/**
 * The path with every `.` and `..` segment percent-encoded (`%2E`, `%2E%2E`). SigV4 removes dot
 * segments before signing, and signers disagree on what is left (`/a/..` is `/a` to the AWS
 * SDKs' smithy signer, `/a/` to RFC 3986), so such a path has no signature every verifier
 * accepts; and a server that resolved them would act on another resource than the one asked
 * for (`DELETE /idx/_doc/..` on `/idx`). Elasticsearch decodes `%2E` back to `.`, so an id `..`
 * stays the id `..`.
 */
export function withoutDotSegments(path: string): string {
  if (!path.includes('.')) return path
  return path
    .split('/')
    .map((segment) =>
      segment === '.' || segment === '..' ? segment.replace(/\./g, '%2E') : segment,
    )
    .join('/')
}

/** Of the headers to send, the ones that are signed besides SigV4's own: `content-type`. */
function signedHeaderSubset(headers: Record<string, string | string[]>): Record<string, string> {
  const contentType = headerString(headers['content-type'])
  return contentType === undefined ? {} : { 'content-type': contentType }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AwsSigV4AbortError()
}
