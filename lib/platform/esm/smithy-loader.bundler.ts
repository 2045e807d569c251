/** `#smithy-signer` for bundlers: a static import, which they follow into the bundle. */
import * as signer from '@smithy/signature-v4'
import type { SmithySigner } from '../smithy-loader.js'

export function smithySigner(): SmithySigner {
  return signer
}
