import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import * as es813 from 'es813'
import * as es717 from 'es717'
import * as es7130 from 'es7130'
import * as os3 from '@opensearch-project/opensearch'
import * as os2 from 'os2'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Engine } from '../../lib/testing'
import { createAwsSigV4Connection } from '../../lib'
import type { AwsSigV4ConnectionOptions } from '../../lib'

/** Either supported client major; the API used by the tests is the same on both. */
export type AnyClient = es9.Client | es8.Client | es813.Client
export type SignedOptions = Omit<AwsSigV4ConnectionOptions, 'baseConnection'>
/** One node URL, or several node descriptions (for multi-node pools). */
export type NodeSpec = string | Array<{ url: URL; id: string }>

/** What a test may need of the client package itself (its error classes, its pools). */
export type ClientModule = typeof es9 | typeof es8 | typeof es813

/**
 * The version of an installed client package, read from its package.json on disk: 8.x does not
 * export `./package.json`. CI installs another `@elastic/elasticsearch` per row (9.5, 8.19), so
 * the default client is not always the lockfile's 9.4.
 */
export function installedVersion(name: string): string {
  const pkg = join(dirname(require.resolve(name)), 'package.json')
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
}

/** The major of the installed `@elastic/elasticsearch`: what `es9` above really is. */
export const DEFAULT_MAJOR = Number(installedVersion('@elastic/elasticsearch').split('.')[0]) as
  8 | 9

const line = (version: string): string => version.split('.').slice(0, 2).join('.')

/** Where the default client is of the `es8` alias's own line (8.19), the alias adds nothing. */
const ALIAS_ADDS_NOTHING =
  line(installedVersion('@elastic/elasticsearch')) === line(installedVersion('es8'))

export interface ClientVariant {
  name: string
  major: 8 | 9
  /** The client package this variant runs on. */
  module: ClientModule
  /** The connection class it signs on. */
  baseConnection: ClientModule['UndiciConnection'] | ClientModule['HttpConnection']
  /** A client of this major whose Connection signs on this base class. */
  make(node: NodeSpec, opts: SignedOptions, extra?: object): AnyClient
}

/** Both connection classes of one client package, under its line's name. */
function variantsOf(line: string, major: 8 | 9, module: ClientModule): ClientVariant[] {
  return (['UndiciConnection', 'HttpConnection'] as const).map((base) => ({
    name: `${line} ${base}`,
    major,
    module,
    baseConnection: module[base],
    make: (node, opts, extra) =>
      new module.Client({
        nodes: node as string,
        // 9.x on Undici is what the installed client gives without `baseConnection`.
        Connection: createAwsSigV4Connection(
          module === es9 && base === 'UndiciConnection'
            ? opts
            : { ...opts, baseConnection: module[base] as typeof es9.UndiciConnection },
        ) as never,
        ...extra,
      }) as AnyClient,
  }))
}

/**
 * Client lines tested only when named in `TEST_EXTRA_CLIENTS` (comma-separated), to keep the
 * default run short: `8.13` is the oldest release the peer range `^8.13.0` admits (CI runs it
 * once, on one Node version).
 */
const EXTRA_LINES: Record<string, () => ClientVariant[]> = {
  '8.13': () => variantsOf('8.13.x', 8, es813),
}

/** The extra lines `TEST_EXTRA_CLIENTS` names; an unknown name is an error, not a silent skip. */
export function extraClientLines(value = process.env.TEST_EXTRA_CLIENTS): string[] {
  const names = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  for (const name of names) {
    if (!(name in EXTRA_LINES)) {
      throw new Error(
        `TEST_EXTRA_CLIENTS: unknown client line "${name}"; known: ${Object.keys(EXTRA_LINES).join(', ')}`,
      )
    }
  }
  return names
}

/**
 * The combinations every end-to-end check runs on: the installed client (9.x, or 8.x in CI's
 * 8.19 rows) and the `es8` alias (8.19, unless it is the installed one), x Undici/Http, plus the
 * lines `TEST_EXTRA_CLIENTS` names (e.g. `TEST_EXTRA_CLIENTS=8.13`).
 */
const ALL_VARIANTS: readonly ClientVariant[] = [
  ...variantsOf(`${DEFAULT_MAJOR}.x`, DEFAULT_MAJOR, es9),
  ...variantsOf('8.x', 8, es8),
  ...extraClientLines().flatMap((name) => EXTRA_LINES[name]()),
]

export const CLIENT_VARIANTS: readonly ClientVariant[] = ALL_VARIANTS.filter(
  (v) => v.module !== es8 || !ALIAS_ADDS_NOTHING,
)

/**
 * The callback lineage (7.x client, OpenSearch client): the clients as one type. They share the
 * 7.x API (`body` parameters, responses as `{ body, statusCode, headers }`); the 7.17 typings
 * stand for all four.
 */
export type CallbackClient = es717.Client
export type CallbackModule = typeof es717

export interface CallbackVariant {
  name: string
  module: CallbackModule
  product: 'elasticsearch' | 'opensearch'
  /** The client sends its product check (`GET /`) before its first other request: 7.14–7.17. */
  productCheck: boolean
  /** The engine the emulator plays for this client on `es`: what such users run against. */
  engine: Engine
  make(node: NodeSpec, opts: SignedOptions, extra?: object): CallbackClient
}

function callbackVariant(
  name: string,
  module: unknown,
  productCheck: boolean,
  engine: Engine,
): CallbackVariant {
  const m = module as CallbackModule
  return {
    name,
    module: m,
    product: engine === 'opensearch' ? 'opensearch' : 'elasticsearch',
    productCheck,
    engine,
    make: (node, opts, extra) =>
      new m.Client({
        nodes: node as string,
        Connection: createAwsSigV4Connection({ ...opts, baseConnection: m.Connection }),
        ...extra,
      }),
  }
}

/**
 * The 7.x clients against Amazon's Elasticsearch 7.10 (the OpenSearch compatibility-mode engine
 * has its own runs in callback-lineage.test.ts and product-check.test.ts), the OpenSearch
 * clients against OpenSearch 2.x.
 */
export const CALLBACK_VARIANTS: readonly CallbackVariant[] = [
  callbackVariant('7.17 Connection', es717, true, 'elasticsearch7'),
  callbackVariant('7.13.0 Connection', es7130, false, 'elasticsearch7'),
  callbackVariant('OpenSearch 3.x Connection', os3, false, 'opensearch'),
  callbackVariant('OpenSearch 2.x Connection', os2, false, 'opensearch'),
]

/**
 * What the credentials e2e files call, on a client of either lineage: 8.x/9.x clients as they
 * are, 7.x and OpenSearch clients through `coreApi`.
 */
export interface CoreClient {
  info(): Promise<unknown>
  index(params: { index: string; id?: string; document: unknown }): Promise<unknown>
  helpers: {
    bulk<T>(options: {
      datasource: T[]
      onDocument: (doc: T) => Record<string, unknown>
      flushBytes?: number
      concurrency?: number
    }): Promise<{ failed: number; successful: number }>
  }
  close(): Promise<void>
}

export interface CoreVariant {
  name: string
  /** Requests the client sends before its first one of its own (the 7.14+ product check). */
  productCheckRequests: number
  /** The engine for the emulator on `es`. */
  engine: Engine
  make(node: NodeSpec, opts: SignedOptions, extra?: object): CoreClient
}

/** A 7.x / OpenSearch client behind the 8.x/9.x calls the credentials files make. */
export function coreApi(client: CallbackClient): CoreClient {
  return {
    info: async () => (await client.info()).body,
    index: async ({ document, ...rest }) =>
      (await client.index({ ...rest, body: document as Record<string, unknown> })).body,
    helpers: {
      bulk: (options) => client.helpers.bulk(options as never),
    },
    close: () => client.close(),
  }
}

/** Every client and base the credentials scenarios run on: both lineages. */
export const CORE_VARIANTS: readonly CoreVariant[] = [
  ...CLIENT_VARIANTS.map((v): CoreVariant => ({
    name: v.name,
    productCheckRequests: 0,
    engine: 'opensearch',
    make: (node, opts, extra) => v.make(node, opts, extra) as unknown as CoreClient,
  })),
  ...CALLBACK_VARIANTS.map((v): CoreVariant => ({
    name: v.name,
    productCheckRequests: v.productCheck ? 1 : 0,
    engine: v.engine,
    make: (node, opts, extra) => coreApi(v.make(node, opts, extra)),
  })),
]
