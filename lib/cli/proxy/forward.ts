/**
 * One request through the proxy: who may send it (access.ts), whether `--read-only` lets it
 * pass, its body within the memory bounds (body.ts), then the exchange the connection runs
 * (sign, send, read a refusal, learn, retry once) with the endpoint as `send`, and the answer
 * streamed back as it arrives. Every refusal of the proxy's own is Elasticsearch's error JSON.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { Exchanges } from '../../exchange/exchanges'
import type {
  ConnectionContext,
  ConnectionResponse,
  RequestBody,
  SignedTransportRequest,
} from '../../exchange/types'
import { isReadable } from '../../exchange/payload'
import { ELASTIC_PRODUCT } from '../../connection/product-check'
import { decodeBodyCapped } from '../../common/content-encoding'
import {
  AwsCredentialsError,
  AwsSigV4AbortError,
  AwsSigV4ConfigurationError,
  AwsSigV4RequestError,
} from '../../errors'
import { oneLine } from '../credentials'
import { clockOffset } from '../steps'
import { unreachableMessage } from '../unreachable'
import type { AccessRules, Refusal } from './access'
import { admit, isPreflight, preflight } from './access'
import { BodyTooLargeError, declaredLength, hasBody, readHeldBody } from './body'
import type { ByteBudget } from './budget'
import { BudgetTimeoutError } from './budget'
import { Departure } from './departure'
import {
  clientResponseHeaders,
  redactedQuery,
  upstreamQuery,
  upstreamRequestHeaders,
} from './headers'
import type { RequestLogEntry } from './log'
import type { Signer } from './meaning'
import { refusalMeaning } from './meaning'
import { isRead, readOnlyReason } from './read-only'
import type { Upstream } from './upstream'
import { MAX_REFUSAL_BYTES, UpstreamError } from './upstream'

/** What every request of one proxy shares. */
export interface ProxyRuntime {
  exchanges: Exchanges
  context: ConnectionContext
  upstream: Upstream
  rules: AccessRules
  readOnly: boolean
  maxBodyBytes: number
  budget: ByteBudget
  bufferWaitMs: number
  /** The endpoint's origins a `Location` may name, and its path prefix (headers.ts). */
  endpointOrigins: readonly string[]
  endpointPrefix: string
  /** `http://host:port` of the proxy, for a request that names no Host. */
  listenOrigin: string
  signer: Signer
  log(entry: RequestLogEntry): void
  /** The proxy is closing: answers ask clients to close their connections. */
  closing(): boolean
}

/** The request target split into the path and the query, as the client sent them. */
export function splitTarget(url: string): { path: string; query: string } | undefined {
  // A client configured to use the proxy as an HTTP proxy sends the absolute form.
  const absolute = url.startsWith('/') ? null : /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)
  const rest = absolute === null ? url : url.slice(absolute[0].length) || '/'
  if (!rest.startsWith('/')) return undefined
  const q = rest.indexOf('?')
  return q === -1 ? { path: rest, query: '' } : { path: rest.slice(0, q), query: rest.slice(q + 1) }
}

/** Handles one request to its end; never rejects. */
export async function forward(
  req: IncomingMessage,
  res: ServerResponse,
  rt: ProxyRuntime,
  expectsContinue = false,
): Promise<void> {
  const started = process.hrtime.bigint()
  const method = (req.method ?? 'GET').toUpperCase()
  const target = splitTarget(req.url ?? '/')
  const entry: RequestLogEntry = {
    type: 'request',
    time: '',
    method,
    path: target === undefined ? (req.url ?? '').slice(0, 200) : shownPath(target),
    status: 0,
    bytes: 0,
    ms: 0,
  }
  const departure = new Departure()
  res.once('close', () => {
    if (!res.writableFinished) {
      departure.leave(new AwsSigV4AbortError('The client went away'))
      entry.aborted = true
    }
    entry.time = new Date().toISOString()
    entry.status = res.statusCode
    entry.ms = Math.round(Number(process.hrtime.bigint() - started) / 1e6)
    rt.log(entry)
  })
  const refuse = (refusal: Refusal, close = false): void => {
    entry.bytes = answerJson(res, refusal, rt, close || expectsContinue)
    entry.proxy = refusal.reason
  }

  if (target === undefined) {
    return refuse({
      status: 400,
      type: 'proxy_bad_request',
      reason: `cannot forward ${method} ${entry.path}`,
    })
  }
  if (isPreflight(method, req.headers)) {
    const answer = preflight(req.headers, rt.rules)
    if ('status' in answer) return refuse(answer)
    res.writeHead(204, answer.cors)
    res.end()
    return
  }
  const access = admit(req.headers, rt.rules)
  if ('status' in access) return refuse(access)
  const cors = access.cors
  if (rt.readOnly && !isRead(method, target.path)) {
    return refuse({
      status: 403,
      type: 'proxy_read_only',
      reason: readOnlyReason(method, target.path),
      headers: cors,
    })
  }

  // The body: streamed where the payload is not signed (VPC Lattice), else read for its hash.
  const streams = rt.context.unsignedPayload === true
  let body: RequestBody
  let held = 0
  try {
    if (streams) {
      body = hasBody(req) ? req : undefined
    } else if (hasBody(req)) {
      const read = readHeldBody(req, {
        maxBodyBytes: rt.maxBodyBytes,
        budget: rt.budget,
        departure,
        beforeRead: () => {
          if (expectsContinue) res.writeContinue()
        },
      })
      ;({ body, held } = await read)
    }
    if (streams && body !== undefined && expectsContinue) res.writeContinue()
  } catch (err) {
    return refuse(bodyRefusal(err, rt, cors), true)
  }

  const headers = upstreamRequestHeaders(req.headers)
  // The length as sent: the body read, or the one streamed as declared (else chunked).
  const length = streams ? declaredLength(req) : (body as Buffer | undefined)?.length
  if (body !== undefined && length !== undefined) headers['content-length'] = String(length)
  let sends = 0
  let last: SignedTransportRequest | undefined
  let sentAt = 0
  let response: ConnectionResponse
  try {
    response = await rt.exchanges.run(
      {
        params: {
          method,
          path: target.path,
          querystring: upstreamQuery(target.query),
          headers,
          body,
        },
        // No signal: signing waits only for credentials, which the cache bounds; the send
        // below stops as soon as the client goes.
        context: rt.context,
      },
      (signed) => {
        sends += 1
        last = signed
        sentAt = Date.now()
        return rt.upstream.send(signed, departure)
      },
    )
  } catch (err) {
    if (departure.gone) return
    return refuse(exchangeRefusal(err, rt, cors))
  } finally {
    // Sent (or given up): the body is no longer held for a retry.
    rt.budget.give(held)
  }
  if (sends > 1) entry.retried = true
  if ((response.statusCode === 401 || response.statusCode === 403) && last !== undefined) {
    entry.aws = await meaningOf(response, { method, path: entry.path }, last, sentAt, rt)
  }
  answer(res, response, req, rt, cors, (bytes) => (entry.bytes = bytes))
}

/** The path and query for the log: the client's, `X-Amz-*` values replaced. */
function shownPath({ path, query }: { path: string; query: string }): string {
  return query === '' ? path : `${path}?${redactedQuery(query)}`
}

/** Writes the endpoint's answer: streamed when it is a stream, else its bytes. */
function answer(
  res: ServerResponse,
  response: ConnectionResponse,
  req: IncomingMessage,
  rt: ProxyRuntime,
  cors: OutgoingHttpHeaders,
  count: (bytes: number) => void,
): void {
  const out = response
  const headers = withCors(
    clientResponseHeaders(out.headers, {
      endpointOrigins: rt.endpointOrigins,
      endpointPrefix: rt.endpointPrefix,
      proxyOrigin: req.headers.host === undefined ? rt.listenOrigin : `http://${req.headers.host}`,
    }),
    cors,
  )
  // What the connection adds for an Amazon-managed engine, which 8.x/9.x clients insist on.
  if (rt.context.plainMediaTypes && headers['x-elastic-product'] === undefined) {
    headers['x-elastic-product'] = ELASTIC_PRODUCT
  }
  if (rt.closing()) headers.connection = 'close'
  const body = out.body
  if (isReadable(body)) {
    let bytes = 0
    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length
      count(bytes)
    })
    res.writeHead(out.statusCode, headers)
    // pipe(), not pipeline(): pipeline makes an AbortController (and fires it) per call.
    body.on('error', () => res.destroy())
    res.once('close', () => {
      if (!body.readableEnded) body.destroy()
    })
    body.pipe(res)
    return
  }
  const bytes =
    body === undefined || body === null
      ? Buffer.alloc(0)
      : Buffer.isBuffer(body)
        ? body
        : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8')
  // A body read here (a refusal) may have been changed: its length is the one sent.
  delete headers['transfer-encoding']
  if (req.method !== 'HEAD') headers['content-length'] = String(bytes.length)
  res.writeHead(out.statusCode, headers)
  res.end(req.method === 'HEAD' ? undefined : bytes)
  count(req.method === 'HEAD' ? 0 : bytes.length)
}

function withCors(headers: OutgoingHttpHeaders, cors: OutgoingHttpHeaders): OutgoingHttpHeaders {
  if (Object.keys(cors).length === 0) return headers
  const vary =
    headers.vary === undefined ? cors.vary : `${String(headers.vary)}, ${String(cors.vary)}`
  return { ...headers, ...cors, ...(vary === undefined ? {} : { vary }) }
}

/** The proxy's own answer, in Elasticsearch's error shape so clients show its reason. */
function answerJson(
  res: ServerResponse,
  refusal: Refusal,
  rt: ProxyRuntime,
  close: boolean,
): number {
  if (res.headersSent) {
    res.destroy()
    return 0
  }
  const cause = { type: refusal.type, reason: refusal.reason }
  const body = JSON.stringify({
    error: { root_cause: [cause], ...cause },
    status: refusal.status,
  })
  const headers: OutgoingHttpHeaders = {
    ...refusal.headers,
    'content-type': 'application/json; charset=UTF-8',
    'content-length': String(Buffer.byteLength(body)),
  }
  if (close || rt.closing()) headers.connection = 'close'
  res.writeHead(refusal.status, headers)
  res.end(body)
  return Buffer.byteLength(body)
}

/** A body the proxy would not hold: too large, or no room among the bodies in flight. */
function bodyRefusal(err: unknown, rt: ProxyRuntime, cors: OutgoingHttpHeaders): Refusal {
  if (err instanceof BodyTooLargeError) {
    return {
      status: 413,
      type: 'proxy_body_too_large',
      reason:
        `the request body is larger than the proxy's --max-body-bytes (${err.maxBodyBytes} bytes); ` +
        'nothing was sent. Send smaller requests (smaller bulks), or raise --max-body-bytes ' +
        "(no higher than the endpoint's http.max_content_length)",
      headers: cors,
    }
  }
  if (err instanceof BudgetTimeoutError) {
    return {
      status: 503,
      type: 'proxy_busy',
      reason:
        `the proxy already holds --max-buffered-bytes (${rt.budget.limit} bytes) of request bodies ` +
        `and found no room for this one within ${rt.bufferWaitMs / 1000} s; nothing was sent. ` +
        'Retry after a moment, send fewer large requests at once, or raise --max-buffered-bytes',
      headers: { ...cors, 'retry-after': String(Math.max(1, Math.ceil(rt.bufferWaitMs / 1000))) },
    }
  }
  return {
    status: 400,
    type: 'proxy_incomplete_body',
    reason: `the request body could not be read: ${oneLine(err)}; nothing was sent`,
    headers: cors,
  }
}

/** Why the exchange gave no answer, as the proxy answers it. */
function exchangeRefusal(err: unknown, rt: ProxyRuntime, cors: OutgoingHttpHeaders): Refusal {
  const endpoint = `${rt.context.url.origin}${rt.endpointPrefix}`
  if (err instanceof UpstreamError) {
    const timedOut = err.kind === 'timeout'
    return {
      status: timedOut ? 504 : 502,
      type: timedOut ? 'proxy_upstream_timeout' : 'proxy_upstream_unreachable',
      reason: `${endpoint}: ${unreachableMessage(err, rt.context)}${tlsHint(err)}`,
      headers: cors,
    }
  }
  if (err instanceof AwsCredentialsError) {
    return {
      status: 503,
      type: 'proxy_credentials_unavailable',
      reason: `the proxy has no AWS credentials to sign with: ${oneLine(err)}`,
      headers: cors,
    }
  }
  if (err instanceof AwsSigV4RequestError || err instanceof AwsSigV4ConfigurationError) {
    return { status: 400, type: 'proxy_cannot_sign', reason: oneLine(err), headers: cors }
  }
  return {
    status: 500,
    type: 'proxy_internal_error',
    reason: `the proxy failed: ${err instanceof Error ? `${err.name}: ` : ''}${oneLine(err)}`,
    headers: cors,
  }
}

/** What to do about a certificate the proxy did not accept. */
function tlsHint(err: UpstreamError): string {
  const code = (err.cause as { code?: unknown } | undefined)?.code
  if (typeof code !== 'string' || !/CERT|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return ''
  return (
    ' (the certificate was not accepted: through a tunnel pass --signing-host with the ' +
    "endpoint's own host, which the certificate is checked against; or --cacert FILE)"
  )
}

/**
 * What an AWS refusal means, read from its body as `diagnose` reads it. A compressed body is
 * decoded to at most `MAX_REFUSAL_BYTES`, as much as is read of one: a few bytes may inflate to
 * gigabytes. Past it, the log says nothing of its meaning.
 */
async function meaningOf(
  response: ConnectionResponse,
  request: { method: string; path: string },
  signed: SignedTransportRequest,
  sentAt: number,
  rt: ProxyRuntime,
): Promise<string | undefined> {
  const raw = response.body
  let bytes: Buffer
  if (typeof raw === 'string') bytes = Buffer.from(raw, 'utf8')
  else if (Buffer.isBuffer(raw)) bytes = raw
  else return undefined
  const encoding = response.headers['content-encoding']
  try {
    bytes = await decodeBodyCapped(
      bytes,
      typeof encoding === 'string' ? encoding : undefined,
      MAX_REFUSAL_BYTES,
    )
  } catch {
    return undefined
  }
  const date = response.headers.date
  return refusalMeaning(
    { status: response.statusCode, headers: response.headers, text: bytes.toString('utf8') },
    request,
    signed,
    rt.context,
    rt.signer,
    clockOffset(typeof date === 'string' ? date : undefined, sentAt, Date.now()),
  )
}
