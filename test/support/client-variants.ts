import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createAwsSigV4Connection } from '../../lib'
import type { AwsSigV4ConnectionOptions } from '../../lib'

/** Either supported client major; the API used by the tests is the same on both. */
export type AnyClient = es9.Client | es8.Client
export type SignedOptions = Omit<AwsSigV4ConnectionOptions, 'baseConnection'>
/** One node URL, or several node descriptions (for multi-node pools). */
export type NodeSpec = string | Array<{ url: URL; id: string }>

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
  /** The client package the variant's clients come from (its error classes, its pools). */
  module: typeof es9 | typeof es8
  /** A client of this major whose Connection signs on this base class. */
  make(node: NodeSpec, opts: SignedOptions, extra?: object): AnyClient
}

/**
 * The combinations every end-to-end check runs on: the installed client (9.x, or 8.x in CI's
 * 8.19 rows) and the `es8` alias (8.19, unless it is the installed one), x Undici/Http.
 */
const ALL_VARIANTS: readonly ClientVariant[] = [
  {
    name: `${DEFAULT_MAJOR}.x UndiciConnection`,
    major: DEFAULT_MAJOR,
    module: es9,
    make: (node, opts, extra) =>
      new es9.Client({
        nodes: node as string,
        Connection: createAwsSigV4Connection(opts),
        ...extra,
      }),
  },
  {
    name: `${DEFAULT_MAJOR}.x HttpConnection`,
    major: DEFAULT_MAJOR,
    module: es9,
    make: (node, opts, extra) =>
      new es9.Client({
        nodes: node as string,
        Connection: createAwsSigV4Connection({ ...opts, baseConnection: es9.HttpConnection }),
        ...extra,
      }),
  },
  {
    name: '8.x UndiciConnection',
    major: 8,
    module: es8,
    make: (node, opts, extra) =>
      new es8.Client({
        nodes: node as string,
        Connection: createAwsSigV4Connection({ ...opts, baseConnection: es8.UndiciConnection }),
        ...extra,
      }),
  },
  {
    name: '8.x HttpConnection',
    major: 8,
    module: es8,
    make: (node, opts, extra) =>
      new es8.Client({
        nodes: node as string,
        Connection: createAwsSigV4Connection({ ...opts, baseConnection: es8.HttpConnection }),
        ...extra,
      }),
  },
]

export const CLIENT_VARIANTS: readonly ClientVariant[] = ALL_VARIANTS.filter(
  (v) => v.module !== es8 || !ALIAS_ADDS_NOTHING,
)
