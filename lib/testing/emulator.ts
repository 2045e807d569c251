/**
 * The HTTP side: a local endpoint that checks every request's SigV4 signature from the raw
 * bytes it received, answers refusals exactly as AWS does, and hands accepted requests to the
 * in-memory store (or forwards them to a real cluster).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { randomUUID } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { serviceFor } from '../aws/services'
import { splitUrl, type QueryPlusMode } from './canonical'
import type { AuthFailureReason } from './aws-errors'
import { answerFromStore } from './dispatch'
import { BodyTooLarge, acceptsGzip, joinedHeaders, readBody } from './http'
import { mediaTypeProblem } from './media-types'
import { withoutRequestSecrets } from './redaction'
import type { Engine } from './store/engines'
import { esErrorBody } from './store/errors'
import { MemoryStore } from './store/memory-store'
import type { StoreResponse } from './store/types'
import { forwardToUpstream } from './upstream'
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
  /** The machine clock, epoch ms, that `clockSkewMs` is added to. Default `Date.now`; for tests. */
  now?: () => number
  /**
   * The `Date` header of every answer runs this far off the emulator's own clock, which still
   * decides what is accepted: a proxy or cache in between that sends a wrong date. Default 0.
   */
  dateHeaderSkewMs?: number
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
  /**
   * Gzip every answer with a body, refusals included, to a request whose `accept-encoding`
   * takes gzip, as a domain with HTTP compression does. Off by default: whether AWS's own
   * SigV4 refusals come compressed is not documented.
   */
  compressResponses?: boolean
  /**
   * Largest request body read, in bytes: a larger one is answered 413 before the signature
   * check, as Amazon OpenSearch Service answers one over its instance type's limit, and is not
   * buffered. Default 100 MiB, the largest limit a domain has.
   */
  maxBodyBytes?: number
  /** How many verdicts `verdicts` keeps: the latest ones. Default 20,000. */
  maxVerdicts?: number
  /** Called with each request's verdict once it has been answered (the CLI's `--log`). */
  onVerdict?: (verdict: Verdict) => void
}

/** Default `maxBodyBytes`: 100 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024
/** Default `maxVerdicts`. */
export const DEFAULT_MAX_VERDICTS = 20_000

/**
 * One line of the emulator's log. Never holds a secret or a signature: the session token line of
 * the canonical request reads `x-amz-security-token:<redacted session token>`, as in the
 * client's `sigv4_debug`, and a signature or token in the message or query is replaced.
 */
export interface Verdict {
  method: string
  /** Raw path as received. */
  path: string
  /** Raw query string as received (no `?`), values of `X-Amz-Signature`/`-Security-Token` redacted. */
  query: string
  /** Status the emulator answered with. */
  status: number
  /** Whether the signature check passed. */
  ok: boolean
  /** `body-too-large`: refused before the signature check (see `maxBodyBytes`). */
  reason: 'ok' | AuthFailureReason | 'body-too-large'
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
  /** The latest requests (up to `maxVerdicts`), oldest first. */
  readonly verdicts: readonly Verdict[]
  clearVerdicts(): void
  addCredentials(credentials: EmulatorCredentials): void
  /** From now on, the key gets AWS's expired (default) or invalid security-token 403. */
  revoke(accessKeyId: string, options?: RevokeOptions): void
  /** Undoes `revoke`. */
  restore(accessKeyId: string): void
  setClockSkew(ms: number): void
  /** See `EmulatorOptions.dateHeaderSkewMs`. */
  setDateHeaderSkew(ms: number): void
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

/** The first action a hook asks for; hooks run in the order they were registered. */
async function firstAction(
  hooks: readonly FaultHook[],
  context: FaultContext,
): Promise<FaultAction | undefined> {
  for (const hook of [...hooks]) {
    const action = await hook(context)
    if (action) return action
  }
  return undefined
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const service = options.service ?? 'es'
  const row = serviceFor(service)
  const region = options.region ?? 'us-east-1'
  const mode = options.mode ?? 'amazon'
  const mediaRules = {
    vendorTypes: mode === 'elastic',
    rejectVendorAccept: mode === 'amazon' && options.rejectVendorAccept === true,
  }
  const keys = new Map<string, EmulatorCredentials>()
  for (const c of Array.isArray(options.credentials)
    ? (options.credentials as readonly EmulatorCredentials[])
    : [options.credentials as EmulatorCredentials]) {
    keys.set(c.accessKeyId, { ...c })
  }
  const revoked = new Map<string, RevocationKind>()
  const verdicts: Verdict[] = []
  const maxVerdicts = options.maxVerdicts ?? DEFAULT_MAX_VERDICTS
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  /** Logs a verdict, the oldest dropped past the bound, and reports it once answered. */
  const record = (verdict: Verdict, res: ServerResponse): void => {
    verdicts.push(verdict)
    if (verdicts.length > maxVerdicts) verdicts.shift()
    const report = options.onVerdict
    if (report !== undefined) res.once('close', () => report(verdict))
  }
  const hooks: FaultHook[] = []
  const sockets = new Set<Socket>()
  const store = new MemoryStore({
    engine: options.engine ?? (mode === 'elastic' ? 'elasticsearch8' : 'opensearch'),
  })
  let skew = options.clockSkewMs ?? 0
  let dateHeaderSkew = options.dateHeaderSkewMs ?? 0
  let sequence = 0
  const machineNow = options.now ?? (() => Date.now())
  const now = (): number => machineNow() + skew
  // What every answer says in its `Date`, relayed ones included.
  const responseDate = (): string => new Date(now() + dateHeaderSkew).toUTCString()

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: string | undefined,
    headers: Readonly<Record<string, string>> = {},
  ): void => {
    const method = (req.method ?? 'GET').toUpperCase()
    res.statusCode = status
    res.setHeader('Date', responseDate())
    if (mode === 'elastic') res.setHeader('x-elastic-product', 'Elasticsearch')
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
    if (body !== undefined && !res.hasHeader('content-type')) {
      res.setHeader('content-type', 'application/json; charset=UTF-8')
    }
    let bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body, 'utf8')
    if (
      options.compressResponses &&
      bytes.length > 0 &&
      method !== 'HEAD' &&
      acceptsGzip(req.headers['accept-encoding'])
    ) {
      bytes = gzipSync(bytes)
      res.setHeader('content-encoding', 'gzip')
    }
    res.setHeader('content-length', bytes.length)
    res.end(method === 'HEAD' ? undefined : bytes)
  }

  const sendStore = (
    req: IncomingMessage,
    res: ServerResponse,
    response: StoreResponse,
    verdict: Verdict,
  ): void => {
    verdict.status = response.status
    if (response.text !== undefined) {
      send(req, res, response.status, response.text, {
        'content-type': 'text/plain; charset=UTF-8',
      })
      return
    }
    const text = response.body === undefined ? undefined : JSON.stringify(response.body)
    send(req, res, response.status, text, response.headers)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase()
    const url = req.url ?? '/'
    const { path, query } = splitUrl(url)
    const verdictOf = (): Verdict => ({
      method,
      path,
      query: withoutRequestSecrets(query),
      status: 0,
      ok: false,
      reason: 'ok',
      time: new Date(now()).toISOString(),
    })
    let body: Buffer
    try {
      body = await readBody(req, maxBodyBytes)
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err
      // Refused unread, as AWS refuses a body over the domain's limit; the connection closes,
      // since the rest of the body is never read.
      const verdict = { ...verdictOf(), status: 413, reason: 'body-too-large' as const }
      verdict.message = err.message
      record(verdict, res)
      res.shouldKeepAlive = false
      send(req, res, 413, JSON.stringify({ Message: err.message }), { connection: 'close' })
      return
    }
    const arrived = now()
    sequence += 1
    const verdict: Verdict = { ...verdictOf(), time: new Date(arrived).toISOString() }
    record(verdict, res)

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
        requireUnsignedPayload: row.payload === 'unsigned-only',
        queryPlus: options.queryPlus,
        requestId: randomUUID(),
      },
    )
    // The verdict is a log: the token and signature that arrived are left out of it (AWS's
    // answer itself still quotes the canonical request as AWS does).
    Object.assign(verdict, {
      ok: result.ok,
      reason: result.reason,
      message: result.message && withoutRequestSecrets(result.message),
      accessKeyId: result.accessKeyId,
      signedHeaders: result.signedHeaders,
      canonicalRequest: result.canonicalRequest && withoutRequestSecrets(result.canonicalRequest),
      stringToSign: result.stringToSign,
    })
    if (!result.ok && result.response) {
      verdict.status = result.response.status
      send(req, res, result.response.status, result.response.body, result.response.headers)
      return
    }

    const headers = joinedHeaders(req.rawHeaders)
    const action = await firstAction(hooks, { method, path, query, headers, body, sequence })
    if (action?.delayMs) await sleep(action.delayMs)
    if (action?.destroy) {
      verdict.fault = 'destroy'
      req.socket.destroy()
      return
    }
    if (action?.status !== undefined) {
      verdict.fault = 'status'
      verdict.status = action.status
      const text =
        action.body === undefined
          ? undefined
          : typeof action.body === 'string'
            ? action.body
            : JSON.stringify(action.body)
      send(req, res, action.status, text, action.headers)
      return
    }

    // A real engine behind answers for its own media types (its 406 is what clients must see);
    // only the stricter Accept rule, which no engine has, stays the emulator's.
    const problem = options.upstream
      ? mediaTypeProblem(req.rawHeaders, Buffer.alloc(0), mediaRules)
      : mediaTypeProblem(req.rawHeaders, body, mediaRules)
    if (problem) return sendStore(req, res, problem, verdict)
    if (options.upstream) {
      verdict.status = await forwardToUpstream(
        req,
        res,
        body,
        new URL(options.upstream),
        responseDate,
      )
      return
    }
    const arrivedRequest = { method, path, query, rawHeaders: req.rawHeaders, body }
    sendStore(req, res, await answerFromStore(store, row, arrivedRequest, maxBodyBytes), verdict)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy()
        return
      }
      const message = err instanceof Error ? err.message : String(err)
      send(req, res, 500, JSON.stringify(esErrorBody(500, 'emulator_exception', message)))
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
    setDateHeaderSkew: (ms) => {
      dateHeaderSkew = ms
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
