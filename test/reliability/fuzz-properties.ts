/**
 * Property-based fuzzing of the signer through the real client against the verifying emulator.
 * Shared by test/reliability/fuzz.test.ts (fixed seed, a few hundred runs, in `npm test`) and
 * scripts/fuzz.ts (the long run).
 *
 * Every property sends requests the way a user would (the client's API or
 * `client.transport.request`) and then checks, from what the emulator received:
 *   - every request it saw passed the SigV4 check, and none was answered 403;
 *   - what arrived means what was asked: path segments, query parameters, body bytes, stored
 *     document ids and sources are exactly the inputs.
 */
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import fc from 'fast-check'
import type * as es9 from '@elastic/elasticsearch'
import { startEmulator } from '../../lib/testing'
import type { Emulator, FaultContext } from '../../lib/testing'
import { CREDS, REGION, describeVerdicts, signedClient, statusOf } from './support'
import type { BaseName } from './support'

/** Every character RFC 3986 reserves, the ones SigV4 and form encoding treat specially, and more. */
export const RESERVED = [
  ...":/?#[]@!$&'()*+,;=",
  '%',
  ' ',
  '~',
  '.',
  '-',
  '_',
  '"',
  '<',
  '>',
  '\\',
  '^',
  '`',
  '{',
  '|',
  '}',
  '\t',
  '\n',
  '\r',
  '\0',
  '\u007f',
  '\u00a0',
  'é',
  '\u2028',
  '\ufeff',
  '\uffff',
  '😀',
  '日',
]

/** Strings that are known troublemakers, tried often. */
const NASTY = [
  '',
  '.',
  '..',
  '...',
  '%',
  '%2F',
  '%25',
  '%zz',
  '%E0%A4',
  '+',
  ' ',
  '  two  spaces  ',
  'a+b c',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '*',
  "!'()*",
  '=',
  '&',
  '?',
  '#',
]

/** Any string of whole code points (no lone surrogates), biased towards reserved characters. */
export function text(maxLength = 12): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...RESERVED), maxLength }) },
    {
      weight: 3,
      arbitrary: fc.string({
        unit: fc.oneof(
          fc.constantFrom(...RESERVED),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        ),
        maxLength,
      }),
    },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
  )
}

/** Any UTF-16 string, lone surrogates included: what "binary-safe" JavaScript strings can hold. */
export function utf16(maxLength = 64): fc.Arbitrary<string> {
  return fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    maxLength,
  })
}

/** The bytes a string body is sent as (lone surrogates become U+FFFD, as everywhere in Node). */
function bytesOf(body: string | Uint8Array): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body)
}

type BodySpec =
  | { kind: 'none' }
  | { kind: 'string'; value: string }
  | { kind: 'buffer'; value: Uint8Array }
  | { kind: 'json'; value: unknown }
  | { kind: 'stream'; chunks: Uint8Array[] }

export function body(): fc.Arbitrary<BodySpec> {
  return fc.oneof(
    fc.constant<BodySpec>({ kind: 'none' }),
    fc.constant<BodySpec>({ kind: 'string', value: '' }),
    utf16(200).map((value): BodySpec => ({ kind: 'string', value })),
    fc.uint8Array({ maxLength: 300 }).map((value): BodySpec => ({ kind: 'buffer', value })),
    fc
      .jsonValue({ maxDepth: 3 })
      .filter((v) => v !== null && typeof v === 'object')
      .map((value): BodySpec => ({ kind: 'json', value })),
    fc
      .array(fc.uint8Array({ minLength: 1, maxLength: 100 }), { minLength: 1, maxLength: 4 })
      .map((chunks): BodySpec => ({ kind: 'stream', chunks })),
  )
}

/** What the transport is given, and the bytes that must arrive (before compression). */
function materialize(spec: BodySpec): {
  value: object | string | undefined
  bytes: Buffer | undefined
} {
  switch (spec.kind) {
    case 'none':
      return { value: undefined, bytes: undefined }
    case 'string':
      return { value: spec.value, bytes: bytesOf(spec.value) }
    case 'buffer':
      return { value: Buffer.from(spec.value), bytes: Buffer.from(spec.value) }
    case 'json':
      return { value: spec.value as object, bytes: Buffer.from(JSON.stringify(spec.value), 'utf8') }
    case 'stream':
      return {
        value: Readable.from(spec.chunks.map((c) => Buffer.from(c))),
        bytes: Buffer.concat(spec.chunks.map((c) => Buffer.from(c))),
      }
  }
}

const TOKEN_CHARS = [
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~",
]
/** Names the HTTP stack owns (framing, hop-by-hop): a user setting these breaks HTTP, not SigV4. */
const HTTP_OWNED = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
  'content-encoding',
  'accept-encoding',
])

function randomCase(name: string): fc.Arbitrary<string> {
  return fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''))
}

export function headerName(): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 16 }),
      fc
        .constantFrom(
          'authorization',
          'host',
          'x-amz-date',
          'x-amz-content-sha256',
          'x-amz-security-token',
          'content-type',
          'accept',
          'user-agent',
          'x-opaque-id',
          'x-elastic-client-meta',
        )
        .chain(randomCase),
    )
    .filter((n) => !HTTP_OWNED.has(n.toLowerCase()) && !n.toLowerCase().startsWith('x-fuzz'))
}

/** Visible ASCII with spaces and tabs; obs-text only where the header is not signed. */
function headerText(signed: boolean): fc.Arbitrary<string> {
  const ascii = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c))
  const unit = signed
    ? fc.oneof(ascii, fc.constant('\t'))
    : fc.oneof(
        ascii,
        fc.constant('\t'),
        fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
      )
  return fc.oneof(
    fc.string({ unit, maxLength: 40 }),
    fc.constantFrom(
      'application/json',
      ' application/json ',
      'application/json;  charset=utf-8',
      'text/plain',
    ),
  )
}

export type HeaderValue = string | number | string[]

export function headerSet(): fc.Arbitrary<Record<string, HeaderValue>> {
  return fc
    .array(
      headerName().chain((name) => {
        const signed = name.toLowerCase() === 'content-type'
        return fc.tuple(
          fc.constant(name),
          fc.oneof(
            headerText(signed),
            fc.integer(),
            fc.double({ noNaN: true, noDefaultInfinity: true }),
            signed ? headerText(true) : fc.array(headerText(false), { minLength: 1, maxLength: 3 }),
          ),
        )
      }),
      { maxLength: 6 },
    )
    .map((pairs) => {
      const out: Record<string, HeaderValue> = Object.create(null)
      for (const [name, value] of pairs) out[name] = value
      return { ...out }
    })
}

// ---------------------------------------------------------------------------------------------

/** Clients under test: every base connection, and gzip bodies. `maxRetries: 0`: one try each. */
const CLIENTS: Array<{ name: string; base: BaseName; compression: boolean }> = [
  { name: 'undici-9', base: 'undici-9', compression: false },
  { name: 'undici-9+gzip', base: 'undici-9', compression: true },
  { name: 'http-9', base: 'http-9', compression: false },
  { name: 'http-9+gzip', base: 'http-9', compression: true },
  { name: 'undici-8', base: 'undici-8', compression: false },
  { name: 'http-8+gzip', base: 'http-8', compression: true },
]

export interface FuzzEnv {
  emu: Emulator
  clients: Map<string, es9.Client>
  /** What passed the signature check, by the `x-fuzz-case` header. */
  seen: Map<string, FaultContext>
  /** Number of requests sent by the properties. */
  sent: number
  close(): Promise<void>
}

export async function startFuzzEnv(): Promise<FuzzEnv> {
  const emu = await startEmulator({ credentials: CREDS, region: REGION, service: 'es' })
  const clients = new Map<string, es9.Client>()
  for (const c of CLIENTS) {
    clients.set(
      c.name,
      signedClient(
        emu.url,
        c.base,
        {},
        { maxRetries: 0, compression: c.compression, requestTimeout: 30_000 },
      ),
    )
  }
  const seen = new Map<string, FaultContext>()
  emu.onRequest((ctx) => {
    const id = ctx.headers['x-fuzz-case']
    if (id !== undefined) seen.set(id, ctx)
    // Transport-level cases are answered here: the paths are arbitrary, the store has no route.
    if (ctx.headers['x-fuzz-echo'] !== undefined) return { status: 200, body: { ok: true } }
    return undefined
  })
  const env: FuzzEnv = {
    emu,
    clients,
    seen,
    sent: 0,
    async close() {
      for (const client of clients.values()) await client.close()
      await emu.close()
    },
  }
  return env
}

let caseCounter = 0
function nextCase(): string {
  caseCounter += 1
  return `c${caseCounter}`
}

/** The one new verdict must be ok; the request must not have been answered 403. */
function expectVerified(env: FuzzEnv, before: number, expected: number, what: string): void {
  const fresh = env.emu.verdicts.slice(before)
  assert.equal(
    fresh.length,
    expected,
    `${what}: expected ${expected} request(s), got ${fresh.length}`,
  )
  const bad = fresh.filter((v) => !v.ok || v.status === 403)
  assert.equal(
    bad.length,
    0,
    `${what}: refused by the verifying endpoint:\n${describeVerdicts(bad)}`,
  )
}

function decodeArrived(ctx: FaultContext): Buffer {
  return ctx.headers['content-encoding'] === 'gzip' ? gunzipSync(ctx.body) : ctx.body
}

/** Sorted `[key, value]` pairs, as a server decodes a query string. */
function queryPairs(query: string): string[] {
  return [...new URLSearchParams(query)].map(([k, v]) => JSON.stringify([k, v])).sort()
}

const clientNames = fc.constantFrom(...CLIENTS.map((c) => c.name))

/**
 * `client.transport.request` with an arbitrary method, path (segments of any characters,
 * percent-encoded as the client does), query (object or raw string), body and user headers.
 */
export function transportProperty(env: FuzzEnv) {
  return fc.asyncProperty(
    clientNames,
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD'),
    fc.array(text(), { maxLength: 4 }),
    fc.oneof(
      fc.constant(undefined),
      // `__proto__` is refused with a clear error (see the bad-input tests).
      fc.dictionary(
        text(8).filter((k) => k !== '__proto__'),
        text(),
        { maxKeys: 5 },
      ),
      fc.string({
        unit: fc.oneof(
          fc.constantFrom(...RESERVED),
          fc.constantFrom('a', '=', '&', '%', '%2', '%41', '+'),
        ),
        maxLength: 30,
      }),
    ),
    body(),
    headerSet(),
    async (clientName, method, segments, querystring, bodySpec, headers) => {
      const client = env.clients.get(clientName)!
      const path = '/' + segments.map(encodeURIComponent).join('/')
      const sendBody = method === 'HEAD' ? { kind: 'none' as const } : bodySpec
      const { value, bytes } = materialize(sendBody)
      const id = nextCase()
      // The transport serialises (and mutates) the query object: keep the expectation apart.
      const expectedQuery =
        querystring !== undefined && typeof querystring === 'object'
          ? Object.entries(querystring)
              .map(([k, v]) => JSON.stringify([k, v]))
              .sort()
          : undefined
      const before = env.emu.verdicts.length
      env.sent += 1
      const requestBody = value === undefined ? {} : { body: value }
      let response: { statusCode?: number | null } | undefined
      try {
        response = await client.transport.request(
          {
            method,
            path,
            querystring: (typeof querystring === 'object'
              ? { ...querystring }
              : querystring) as never,
            ...requestBody,
          },
          {
            headers: {
              ...(headers as Record<string, string>),
              'x-fuzz-case': id,
              'x-fuzz-echo': '1',
            },
            meta: true,
          },
        )
      } catch (err) {
        assert.fail(
          `${clientName} ${method} ${path}?${String(querystring)} threw ${(err as Error).name} ` +
            `(status ${statusOf(err)}): ${(err as Error).message}\n` +
            describeVerdicts(env.emu.verdicts.slice(before)),
        )
      }
      assert.equal(response?.statusCode, 200)
      expectVerified(env, before, 1, `${clientName} ${method} ${path}`)
      const ctx = env.seen.get(id)
      assert.ok(ctx, 'the request reached the endpoint')
      env.seen.delete(id)
      // Path: each segment arrives exactly as given.
      const arrived = ctx.path.split('/').slice(1).map(decodeURIComponent)
      assert.deepEqual(arrived, segments.length === 0 ? [''] : segments)
      // Query: the same parameters (order aside) for an object query.
      if (expectedQuery !== undefined) assert.deepEqual(queryPairs(ctx.query), expectedQuery)
      // Body: the same bytes (after gzip, when the client compresses).
      const got = decodeArrived(ctx)
      assert.equal(got.toString('hex'), (bytes ?? Buffer.alloc(0)).toString('hex'), 'body bytes')
    },
  )
}

/**
 * The client's document APIs with arbitrary ids, routing values and document text: the
 * document is stored under exactly that id, with exactly that source, and reads back.
 */
export function documentProperty(env: FuzzEnv) {
  return fc.asyncProperty(
    clientNames,
    text(16).filter((s) => s !== ''),
    fc.option(
      text(10).filter((s) => s !== ''),
      { nil: undefined },
    ),
    utf16(40),
    // A user's own content-type would be a legitimate 406 from the store, not a signing matter.
    headerSet().map((h) =>
      Object.fromEntries(Object.entries(h).filter(([n]) => n.toLowerCase() !== 'content-type')),
    ),
    async (clientName, id, routing, value, headers) => {
      const client = env.clients.get(clientName)!
      const before = env.emu.verdicts.length
      const doc = { s: value, id }
      const options = { headers: headers as Record<string, string> }
      const expected = JSON.parse(JSON.stringify(doc)) as unknown
      try {
        env.sent += 2
        await client.index({ index: 'fuzz', id, routing, document: doc }, options)
        const got = await client.get({ index: 'fuzz', id, routing }, options)
        assert.equal(got._id, id)
        assert.deepEqual(got._source, expected)
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err
        assert.fail(
          `${clientName} id=${JSON.stringify(id)} routing=${JSON.stringify(routing)} threw ` +
            `${(err as Error).name} (status ${statusOf(err)}): ${(err as Error).message}\n` +
            describeVerdicts(env.emu.verdicts.slice(before)),
        )
      }
      expectVerified(env, before, 2, `${clientName} id=${JSON.stringify(id)}`)
      assert.deepEqual(env.emu.store.getDocument('fuzz', id), expected)
    },
  )
}

/**
 * Header sets given to the client itself (`new Client({ headers })`), which the client hands to
 * every connection as its default headers, with names in any case: they must not break signing.
 */
export function clientHeadersProperty(env: FuzzEnv) {
  return fc.asyncProperty(
    fc.constantFrom(...CLIENTS),
    headerSet(),
    body(),
    async (spec, headers, bodySpec) => {
      const client = signedClient(
        env.emu.url,
        spec.base,
        {},
        {
          maxRetries: 0,
          compression: spec.compression,
          headers,
        },
      )
      try {
        const { value } = materialize(bodySpec)
        const before = env.emu.verdicts.length
        env.sent += 1
        const res: { statusCode?: number | null } = await client.transport
          .request(
            {
              method: 'POST',
              path: '/any/_search',
              ...(value === undefined ? {} : { body: value }),
            },
            { headers: { 'x-fuzz-echo': '1' }, meta: true },
          )
          .catch((err: unknown) => {
            assert.fail(
              `${spec.name} with client headers ${JSON.stringify(headers)} threw ` +
                `${(err as Error).name} (status ${statusOf(err)}): ${(err as Error).message}\n` +
                describeVerdicts(env.emu.verdicts.slice(before)),
            )
          })
        assert.equal(res.statusCode, 200)
        expectVerified(
          env,
          before,
          1,
          `${spec.name} with client headers ${JSON.stringify(headers)}`,
        )
      } finally {
        await client.close()
      }
    },
  )
}

/** Large bodies (1-5 MB): string, Buffer and stream, plain and gzip. Few runs: they are slow. */
export function hugeBodyProperty(env: FuzzEnv) {
  return fc.asyncProperty(
    clientNames,
    fc.integer({ min: 1_000_000, max: 5_000_000 }),
    fc.constantFrom('string', 'buffer', 'stream'),
    fc.integer({ min: 0, max: 0xffffffff }),
    async (clientName, size, kind, seed) => {
      const client = env.clients.get(clientName)!
      const bytes = Buffer.alloc(size)
      let x = seed | 1
      for (let i = 0; i < size; i++) {
        x ^= x << 13
        x ^= x >>> 17
        x ^= x << 5
        bytes[i] = kind === 'string' ? 0x20 + ((x >>> 0) % 95) : x & 0xff
      }
      const value =
        kind === 'string'
          ? bytes.toString('latin1')
          : kind === 'buffer'
            ? bytes
            : Readable.from(
                Array.from({ length: Math.ceil(size / 65536) }, (_, i) =>
                  bytes.subarray(i * 65536, (i + 1) * 65536),
                ),
              )
      const id = nextCase()
      const before = env.emu.verdicts.length
      env.sent += 1
      const res = await client.transport.request(
        { method: 'POST', path: '/huge/_doc', body: value },
        { headers: { 'x-fuzz-case': id, 'x-fuzz-echo': '1' }, meta: true },
      )
      assert.equal(res.statusCode, 200)
      expectVerified(env, before, 1, `${clientName} ${kind} body of ${size} bytes`)
      const ctx = env.seen.get(id)!
      env.seen.delete(id)
      assert.ok(decodeArrived(ctx).equals(bytes), 'the body arrived intact')
    },
  )
}

export interface FuzzRunOptions {
  seed: number
  /** Runs of the transport property; the document property gets the same, huge bodies ~1/40. */
  numRuns: number
}

/** Default seed of the CI run; override with FUZZ_SEED. */
export const DEFAULT_SEED = 20241124

export function fuzzSeed(): number {
  const raw = process.env.FUZZ_SEED
  if (raw === undefined || raw === '') return DEFAULT_SEED
  const seed = Number(raw)
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${raw}`)
  return seed
}
