/** `#smithy-signer` for Node: `@smithy/signature-v4` required on the first call. */
import { createRequire } from 'node:module'
import type { SmithySigner } from '../smithy-loader.js'

const load = createRequire(import.meta.url)
let signer: SmithySigner | undefined

export function smithySigner(): SmithySigner {
  signer ??= load('@smithy/signature-v4') as SmithySigner
  return signer
}
