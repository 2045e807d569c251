// A signing proxy in front of the verifying emulator, in this process, and a plain HTTP client
// that sends exactly the headers it is given (no client library in between).
import { request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import type { Emulator, EmulatorOptions } from '../../../lib/testing'
import { startEmulator } from '../../../lib/testing'
import type {
  ProxyLogEntry,
  RequestLogEntry,
  SigningProxy,
  SigningProxyOptions,
} from '../../../lib/cli/proxy'
import { startSigningProxy } from '../../../lib/cli/proxy'

export const KEY = { accessKeyId: 'AKIDPROXYTEST00001', secretAccessKey: 'proxy-test-secret-key' }
export const REGION = 'eu-west-1'

export interface Pair {
  emu: Emulator
  proxy: SigningProxy
  logs: ProxyLogEntry[]
  /** The request entries of the log. */
  requests(): RequestLogEntry[]
  close(): Promise<void>
}

/** The emulator (accepting KEY in REGION), and a proxy to it signing with KEY. */
export async function startPair(
  emuOptions: Partial<EmulatorOptions> = {},
  proxyOptions: Partial<SigningProxyOptions> = {},
): Promise<Pair> {
  const emu = await startEmulator({ credentials: KEY, region: REGION, ...emuOptions })
  const logs: ProxyLogEntry[] = []
  let proxy: SigningProxy
  try {
    proxy = await startSigningProxy({
      endpoint: emu.url,
      region: REGION,
      credentials: KEY,
      listen: '127.0.0.1:0',
      log: (entry) => logs.push(entry),
      ...proxyOptions,
    })
  } catch (err) {
    await emu.close()
    throw err
  }
  return {
    emu,
    proxy,
    logs,
    requests: () => logs.filter((e): e is RequestLogEntry => e.type === 'request'),
    close: async () => {
      await proxy.close()
      await emu.close()
    },
  }
}

export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  /** Whether a `100 Continue` came before the answer. */
  continued: boolean
  json<T = Record<string, unknown>>(): T
}

export interface Sent {
  method?: string
  path?: string
  headers?: OutgoingHttpHeaders
  body?: string | Buffer | Readable
  /** Send the body only once the proxy says `100 Continue` (the header is added). */
  expectContinue?: boolean
}

/** One request on a connection of its own; resolves with the whole answer. */
export function send(base: string, sent: Sent = {}): Promise<Answer> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    let continued = false
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      method: sent.method ?? 'GET',
      path: sent.path ?? '/',
      headers: {
        ...(sent.expectContinue ? { expect: '100-continue' } : {}),
        ...(typeof sent.body === 'string' || Buffer.isBuffer(sent.body)
          ? { 'content-length': String(Buffer.byteLength(sent.body)) }
          : {}),
        ...sent.headers,
      },
      agent: false,
    })
    req.on('error', reject)
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        const body = Buffer.concat(chunks)
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          continued,
          json: <T>() => JSON.parse(body.toString('utf8')) as T,
        })
      })
    })
    const write = (): void => {
      const body = sent.body
      if (body === undefined) req.end()
      else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body)
      else body.pipe(req)
    }
    if (sent.expectContinue) {
      req.on('continue', () => {
        continued = true
        write()
      })
      req.flushHeaders()
    } else {
      write()
    }
  })
}

/** A gate a test opens: hooks wait on it. */
export function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void
  const wait = new Promise<void>((resolve) => (open = resolve))
  return { wait, open }
}
