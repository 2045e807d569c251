/**
 * The HTTP side: a local endpoint that checks every request's SigV4 signature from the raw
 * bytes it received, answers refusals exactly as AWS does, and hands accepted requests to the
 * in-memory store (or forwards them to a real cluster).
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib'
import { randomUUID } from 'node:crypto'
import { serviceFor } from '../services'
import { headerValues, splitUrl, type QueryPlusMode } from './canonical'
import type { AuthFailureReason } from './aws-errors'
import type { Engine } from './store/engines'
import { esErrorBody } from './store/errors'
import { MemoryStore } from './store/memory-store'
import type { StoreResponse } from './store/types'
import {
  verifySignature,
  type EmulatorCredentials,
  type RevocationKind,
  type VerifyResult,
} from './verifier'

/**
 * 'amazon': behaves like an Amazon-managed engine (no `x-elastic-product`, Elastic's vendor
 * media types refused with 406). 'elastic': behaves like Elasticsearch itself.
 */
export type EmulatorMode = 'amazon' | 'elastic'

export interface EmulatorOptions {
  /** The keys the emulator accepts. */
  credentials: EmulatorCredentials | readonly EmulatorCredentials[]
  /** Default 'us-east-1'. */
  region?: string
  /** Signing name: 'es' (default), 'aoss' (Serverless rules) or any other. */
  service?: string
  /** Default 'amazon'. */
  mode?: EmulatorMode
  /** Forward verified requests to this cluster instead of the in-memory store. */
  upstream?: string
  /** The emulator's clock runs this far ahead (+) or behind (-) the machine's. */
  clockSkewMs?: number
  /** Host the signature must cover; default: the `host` header that arrived. */
  expectedHost?: string
  /** Info response: default 'opensearch' ('elasticsearch8' in elastic mode). */
  engine?: Engine
  /** Default 0: any free port. */
  port?: number
  /** Default '127.0.0.1'. */
  host?: string
  /**
   * Amazon mode: also 406 Elastic's vendor types in `Accept`. Off by default: Elasticsearch 7.10
   * and OpenSearch only check `Content-Type`, and only when there is a body.
   */
  rejectVendorAccept?: boolean
  /** Canonical query reading of `+`; default 'literal' (see `canonicalQuery`). */
  queryPlus?: QueryPlusMode
}

/** One line of the emulator's log. Never holds a secret or a signature. */
export interface Verdict {
  method: string
  /** Raw path as received. */
  path: string
  /** Raw query string as received (no `?`). */
  query: string
  /** Status the emulator answered with. */
  status: number
  /** Whether the signature check passed. */
  ok: boolean
  reason: 'ok' | AuthFailureReason
  /** AWS's message for a refusal. */
  message?: string
  accessKeyId?: string
  signedHeaders?: string[]
  /** The emulator's canonical request and string to sign, to diff against the client's. */
  canonicalRequest?: string
  stringToSign?: string
  /** Emulator clock time the request arrived, ISO 8601. */
  time: string
  /** Set when an `onRequest` hook answered instead of the store. */
  fault?: 'status' | 'destroy'
}

/** What an `onRequest` hook sees of a request that passed the signature check. */
export interface FaultContext {
  method: string
  path: string
  query: string
  /** Lowercased header names; repeated headers joined with `, `. */
  headers: Readonly<Record<string, string>>
  body: Buffer
  /** 1 for the first request the emulator received, 2 for the next, ... */
  sequence: number
}

/**
 * What a hook asks for. Applied in this order: wait `delayMs`; then `destroy` the socket
 * without answering; or answer `status` (with `body`, JSON-encoded unless a string, and
 * `headers`); with neither, the request goes on to the store.
 */
export interface FaultAction {
  delayMs?: number
  destroy?: boolean
  status?: number
  body?: unknown
  headers?: Readonly<Record<string, string>>
}

export type FaultHook = (
  context: FaultContext,
) => FaultAction | undefined | void | Promise<FaultAction | undefined | void>

export interface RevokeOptions {
  /** Default 'expired'. */
  kind?: RevocationKind
}

export interface Emulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  readonly port: number
  /** The in-memory cluster, for assertions (`documentCount`, `getDocument`, ...). */
  readonly store: MemoryStore
  /** Every request so far, oldest first. */
  readonly verdicts: readonly Verdict[]
  clearVerdicts(): void
  addCredentials(credentials: EmulatorCredentials): void
  /** From now on, the key gets AWS's expired (default) or invalid security-token 403. */
  revoke(accessKeyId: string, options?: RevokeOptions): void
  /** Undoes `revoke`. */
  restore(accessKeyId: string): void
  setClockSkew(ms: number): void
  /** The emulator's clock, epoch ms. */
  now(): number
  /**
   * Registers a hook run for every request that passed the signature check, before the store
   * (or upstream) sees it; the first hook returning an action wins. Returns an unregister
   * function.
   */
  onRequest(hook: FaultHook): () => void
  close(): Promise<void>
}

const VENDOR_TYPE = /^application\/vnd\.elasticsearch\+/i
const JSON_TYPES = /^application\/(json|x-ndjson)$/i

function mediaType(value: string): string {
  return value.split(';')[0].trim()
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function decodeBody(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body)
    case 'deflate':
      return inflateSync(body)
    case 'br':
      return brotliDecompressSync(body)
    default:
      return body
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const service = options.service ?? 'es'
  const row = serviceFor(service)
  const region = options.region ?? 'us-east-1'
  const mode = options.mode ?? 'amazon'
  const keys = new Map<string, EmulatorCredentials>()
  for (const c of Array.isArray(options.credentials)
    ? (options.credentials as readonly EmulatorCredentials[])
    : [options.credentials as EmulatorCredentials]) {
    keys.set(c.accessKeyId, { ...c })
  }
  const revoked = new Map<string, RevocationKind>()
  const verdicts: Verdict[] = []
  const hooks: FaultHook[] = []
  const sockets = new Set<Socket>()
  const store = new MemoryStore({
    engine: options.engine ?? (mode === 'elastic' ? 'elasticsearch8' : 'opensearch'),
  })
  let skew = options.clockSkewMs ?? 0
  let sequence = 0
  const now = (): number => Date.now() + skew

  const send = (
    res: ServerResponse,
    method: string,
    status: number,
    body: string | undefined,
    headers: Readonly<Record<string, string>> = {},
  ): void => {
    res.statusCode = status
    res.setHeader('Date', new Date(now()).toUTCString())
    if (mode === 'elastic') res.setHeader('x-elastic-product', 'Elasticsearch')
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
    if (body !== undefined && !res.hasHeader('content-type')) {
      res.setHeader('content-type', 'application/json; charset=UTF-8')
    }
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body, 'utf8')
    res.setHeader('content-length', bytes.length)
    res.end(method === 'HEAD' ? undefined : bytes)
  }

  const sendStore = (res: ServerResponse, method: string, response: StoreResponse): void => {
    send(
      res,
      method,
      response.status,
      response.body === undefined ? undefined : JSON.stringify(response.body),
    )
  }

  const mediaTypeProblem = (req: IncomingMessage, body: Buffer): StoreResponse | undefined => {
    const contentTypes = headerValues(req.rawHeaders, 'content-type')
    const accept = headerValues(req.rawHeaders, 'accept').join(',')
    const allowed = (value: string): boolean =>
      JSON_TYPES.test(mediaType(value)) ||
      (mode === 'elastic' && VENDOR_TYPE.test(mediaType(value)))
    const refuse = (error: string): StoreResponse => ({ status: 406, body: { error, status: 406 } })
    if (body.length > 0) {
      if (contentTypes.length === 0) return refuse('Content-Type header is missing')
      if (contentTypes.length > 1 || !allowed(contentTypes[0])) {
        return refuse(`Content-Type header [${contentTypes.join(',')}] is not supported`)
      }
    }
    if (mode === 'amazon' && options.rejectVendorAccept && VENDOR_TYPE.test(accept)) {
      // Not a published text: the Content-Type one, naming the Accept header instead.
      return refuse(`Accept header [${accept}] is not supported`)
    }
    return undefined
  }

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    upstream: URL,
  ): Promise<number> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = {}
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i].toLowerCase()
        if (name === 'authorization' || name.startsWith('x-amz-') || name === 'host') continue
        if (name === 'connection' || name === 'content-length' || name === 'transfer-encoding')
          continue
        headers[name] =
          headers[name] === undefined
            ? req.rawHeaders[i + 1]
            : `${headers[name]}, ${req.rawHeaders[i + 1]}`
      }
      headers['content-length'] = String(body.length)
      const base = upstream.pathname.replace(/\/+$/, '')
      const call = upstream.protocol === 'https:' ? httpsRequest : httpRequest
      const out = call(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: base + (req.url ?? '/'),
          headers,
          auth: upstream.username
            ? `${decodeURIComponent(upstream.username)}:${decodeURIComponent(upstream.password)}`
            : undefined,
        },
        (upstreamRes) => {
          const status = upstreamRes.statusCode ?? 502
          for (let i = 0; i + 1 < upstreamRes.rawHeaders.length; i += 2) {
            const name = upstreamRes.rawHeaders[i].toLowerCase()
            if (name === 'connection' || name === 'keep-alive' || name === 'date') continue
            res.appendHeader(upstreamRes.rawHeaders[i], upstreamRes.rawHeaders[i + 1])
          }
          res.statusCode = status
          res.setHeader('Date', new Date(now()).toUTCString())
          upstreamRes.pipe(res)
          upstreamRes.on('end', () => resolve(status))
          upstreamRes.on('error', reject)
        },
      )
      out.on('error', reject)
      out.end(body)
    })

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req)
    const method = (req.method ?? 'GET').toUpperCase()
    const url = req.url ?? '/'
    const { path, query } = splitUrl(url)
    const arrived = now()
    sequence += 1
    const verdict: Verdict = {
      method,
      path,
      query,
      status: 0,
      ok: false,
      reason: 'ok',
      time: new Date(arrived).toISOString(),
    }
    verdicts.push(verdict)

    const result: VerifyResult = verifySignature(
      { method, url, rawHeaders: req.rawHeaders, body },
      {
        credentials: (id) => keys.get(id),
        region,
        service,
        now: arrived,
        expectedHost: options.expectedHost,
        revoked,
        requireContentSha256: row.payload === 'signed-header-required',
        queryPlus: options.queryPlus,
        requestId: randomUUID(),
      },
    )
    Object.assign(verdict, {
      ok: result.ok,
      reason: result.reason,
      message: result.message,
      accessKeyId: result.accessKeyId,
      signedHeaders: result.signedHeaders,
      canonicalRequest: result.canonicalRequest,
      stringToSign: result.stringToSign,
    })
    if (!result.ok && result.response) {
      verdict.status = result.response.status
      send(res, method, result.response.status, result.response.body, result.response.headers)
      return
    }

    const headers: Record<string, string> = {}
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i].toLowerCase()
      headers[name] =
        headers[name] === undefined
          ? req.rawHeaders[i + 1]
          : `${headers[name]}, ${req.rawHeaders[i + 1]}`
    }
    for (const hook of [...hooks]) {
      const action = await hook({ method, path, query, headers, body, sequence })
      if (!action) continue
      if (action.delayMs) await sleep(action.delayMs)
      if (action.destroy) {
        verdict.fault = 'destroy'
        req.socket.destroy()
        return
      }
      if (action.status !== undefined) {
        verdict.fault = 'status'
        verdict.status = action.status
        const text =
          action.body === undefined
            ? undefined
            : typeof action.body === 'string'
              ? action.body
              : JSON.stringify(action.body)
        send(res, method, action.status, text, action.headers)
        return
      }
      break
    }

    const problem = mediaTypeProblem(req, body)
    if (problem) {
      verdict.status = problem.status
      sendStore(res, method, problem)
      return
    }

    if (options.upstream) {
      verdict.status = await forward(req, res, body, new URL(options.upstream))
      return
    }

    let response: StoreResponse
    let segments: string[]
    try {
      segments = path
        .split('/')
        .filter((s) => s !== '')
        .map((s) => decodeURIComponent(s))
    } catch {
      response = {
        status: 400,
        body: esErrorBody(
          400,
          'illegal_argument_exception',
          `invalid percent-encoding in path [${path}]`,
        ),
      }
      verdict.status = response.status
      sendStore(res, method, response)
      return
    }
    if (!row.clusterInfo && segments.length === 0) {
      // Serverless has no cluster-info API (it is not in its list of supported operations).
      response = {
        status: 404,
        body: esErrorBody(404, 'unsupported_operation', `GET / is not supported by ${row.title}`),
      }
    } else {
      let decoded: Buffer
      try {
        decoded = decodeBody(body, headerValues(req.rawHeaders, 'content-encoding')[0])
      } catch {
        decoded = Buffer.alloc(0)
        response = {
          status: 400,
          body: esErrorBody(400, 'parse_exception', 'request body could not be decompressed'),
        }
        verdict.status = response.status
        sendStore(res, method, response)
        return
      }
      response = store.handle({
        method,
        segments,
        query: new Map(new URLSearchParams(query)),
        body: decoded,
      })
    }
    verdict.status = response.status
    sendStore(res, method, response)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy()
        return
      }
      const message = err instanceof Error ? err.message : String(err)
      send(
        res,
        req.method ?? 'GET',
        500,
        JSON.stringify(esErrorBody(500, 'emulator_exception', message)),
      )
    })
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address

  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    store,
    verdicts,
    clearVerdicts: () => {
      verdicts.length = 0
    },
    addCredentials: (c) => {
      keys.set(c.accessKeyId, { ...c })
    },
    revoke: (accessKeyId, revokeOptions = {}) => {
      revoked.set(accessKeyId, revokeOptions.kind ?? 'expired')
    },
    restore: (accessKeyId) => {
      revoked.delete(accessKeyId)
    },
    setClockSkew: (ms) => {
      skew = ms
    },
    now,
    onRequest: (hook) => {
      hooks.push(hook)
      return () => {
        const at = hooks.indexOf(hook)
        if (at >= 0) hooks.splice(at, 1)
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
}
