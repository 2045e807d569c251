/**
 * `@smithy/signature-v4`, AWS's own signer, which signs when a custom `sha256` is given
 * (sigv4/smithy.ts; with Node's hash, sigv4/sign.ts signs without it): loaded on first use rather
 * than with the package. With the parts of
 * `@smithy/core` it requires it is most of what loading this package costs (measured: about
 * 12 of 28 ms CPU in CommonJS, 60 of 90 ms in ESM, where Node also scans each CommonJS file for
 * its export names). This is the CommonJS build's variant, a `require` on first use; the ESM
 * build's is esm/smithy-loader.ts.
 */
export type SmithySigner = typeof import('@smithy/signature-v4')

let signer: SmithySigner | undefined

/** The signer's module, loaded on the first call. */
export function smithySigner(): SmithySigner {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  signer ??= require('@smithy/signature-v4') as SmithySigner
  return signer
}
