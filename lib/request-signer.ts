/**
 * One attempt of a transport request, signed: the headers, body, path and query as they will go
 * on the wire, the credentials, then SigV4 (sigv4.ts) over exactly that.
 */
import type { ChecksumConstructor } from './sha256'
import type { CredentialCache } from './credentials'
import type { ConnectionContext, SignedTransportRequest, TransportRequest } from './transport'
import type { RequestToSign, SigningContext } from './sigv4'
import { mergeHeaders, headerString } from './headers'
import { isReadable, preparePayload } from './payload'
import { canonicalQuery } from './query'
import { signRequest } from './sigv4'
import { AwsSigV4AbortError } from './errors'
import { withPlainMediaTypes } from './compat'
import { withSecretsHidden } from './redaction'

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

  async sign(
    params: TransportRequest,
    connection: ConnectionContext,
    signal?: AbortSignal,
  ): Promise<SignedTransportRequest> {
    const { credentials, sha256, maxBodyBytes, now } = this.#options
    throwIfAborted(signal)

    // 1. The headers as they will be sent (connection defaults, then the request's own).
    let headers = mergeHeaders(connection.headers, params.headers)
    if (connection.plainMediaTypes) headers = withPlainMediaTypes(headers)

    // 2. The body: hashed, or a stream buffered (up to the cap) and hashed, or marked unsigned.
    const payload = await preparePayload(params.body, {
      maxBodyBytes,
      unsignedPayload: connection.unsignedPayload,
      sha256,
      signal,
    })
    if (payload.contentLength !== undefined)
      headers['content-length'] = String(payload.contentLength)
    throwIfAborted(signal)

    // 3. Path and query exactly as they go on the wire; the query is re-encoded canonically.
    const path = withoutDotSegments(params.path.startsWith('/') ? params.path : `/${params.path}`)
    const query = canonicalQuery(params.querystring)
    const toSign: RequestToSign = {
      method: params.method,
      host: connection.target.host,
      path: joinPath(connection.url.pathname, path),
      query,
      headers: signedHeaderSubset(headers),
      payloadHash: payload.hash,
    }

    // 4. Credentials (cached, refreshed ahead of expiry), then the signature.
    const ctx: SigningContext = {
      credentials: await credentials.get(signal),
      region: connection.target.region,
      service: connection.target.service,
      signingDate: now(),
      sha256,
    }
    throwIfAborted(signal)
    const signature = await signRequest(toSign, ctx)
    throwIfAborted(signal)

    return {
      params: withSecretsHidden(
        { method: params.method, path, querystring: query, body: payload.body },
        headers,
        signature.headers,
      ),
      // What was signed, from the very path that signed it.
      describe: signature.describe,
      credentials: ctx.credentials,
      replayable: !isReadable(payload.body),
    }
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
