import * as es9 from '@elastic/elasticsearch'
import * as es8 from 'es8'
import { createAwsSigV4Connection } from '../../lib'
import type { AwsSigV4ConnectionOptions } from '../../lib'

/** Either supported client major; the API used by the tests is the same on both. */
export type AnyClient = es9.Client | es8.Client
export type SignedOptions = Omit<AwsSigV4ConnectionOptions, 'baseConnection'>
/** One node URL, or several node descriptions (for multi-node pools). */
export type NodeSpec = string | Array<{ url: URL; id: string }>

export interface ClientVariant {
  name: string
  major: 8 | 9
  /** A client of this major whose Connection signs on this base class. */
  make(node: NodeSpec, opts: SignedOptions, extra?: object): AnyClient
}

/** The four combinations every end-to-end check runs on: client 9.x/8.x x Undici/Http. */
export const CLIENT_VARIANTS: readonly ClientVariant[] = [
  {
    name: '9.x UndiciConnection',
    major: 9,
    make: (node, opts, extra) =>
      new es9.Client({
        nodes: node as string,
        Connection: createAwsSigV4Connection(opts),
        ...extra,
      }),
  },
  {
    name: '9.x HttpConnection',
    major: 9,
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
    make: (node, opts, extra) =>
      new es8.Client({
        nodes: node as string,
        Connection: createAwsSigV4Connection({ ...opts, baseConnection: es8.HttpConnection }),
        ...extra,
      }),
  },
]
