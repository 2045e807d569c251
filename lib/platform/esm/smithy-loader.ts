/**
 * The ESM build's variant of lib/platform/smithy-loader.ts, through `#smithy-signer` (this directory's
 * package.json): bundlers get a static import, so the signer is in the bundle; Node gets a
 * `require` on first use, which loads the same module an `import` would (the signer is
 * CommonJS only), without its cost at load.
 */
export { smithySigner } from '#smithy-signer'
export type { SmithySigner } from '../smithy-loader.js'
