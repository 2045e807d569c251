import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import * as es813 from 'es813'
import { createAwsSigV4Connection } from '../../lib'
import type { AwsSigV4ConnectionOptions } from '../../lib'

/** Either supported client major; the API used by the tests is the same on both. */
export type AnyClient = es9.Client | es8.Client | es813.Client
export type SignedOptions = Omit<AwsSigV4ConnectionOptions, 'baseConnection'>
/** One node URL, or several node descriptions (for multi-node pools). */
export type NodeSpec = string | Array<{ url: URL; id: string }>

/** What a test may need of the client package itself (its error classes, its pools). */
export type ClientModule = typeof es9 | typeof es8 | typeof es813

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
 * The combinations every end-to-end check runs on: client 9.x/8.x x Undici/Http, plus the
 * lines `TEST_EXTRA_CLIENTS` names (e.g. `TEST_EXTRA_CLIENTS=8.13`).
 */
export const CLIENT_VARIANTS: readonly ClientVariant[] = [
  ...variantsOf('9.x', 9, es9),
  ...variantsOf('8.x', 8, es8),
  ...extraClientLines().flatMap((name) => EXTRA_LINES[name]()),
]
