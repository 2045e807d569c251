/**
 * `elasticsearch-aws-sigv4/testing`: a local endpoint that verifies AWS SigV4 the way AWS does,
 * in front of a small in-memory Elasticsearch look-alike (or a real cluster).
 */
export {
  ALGORITHM,
  EMPTY_SHA256,
  buildCanonicalRequest,
  buildStringToSign,
  canonicalHeaderValue,
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  computeSignature,
  credentialScope,
  deriveSigningKey,
  headerValues,
  normalizePath,
  sha256Hex,
  splitUrl,
  uriEncode,
  type CanonicalOptions,
  type CanonicalRequestParts,
  type QueryPlusMode,
} from './canonical'
export {
  awsErrorResponse,
  type AuthFailureReason,
  type AwsErrorResponse,
  type ErrorStyle,
} from './aws-errors'
export {
  parseAmzDate,
  parseAuthorization,
  verifySignature,
  type EmulatorCredentials,
  type RawRequest,
  type RevocationKind,
  type VerifyOptions,
  type VerifyResult,
} from './verifier'
export { MemoryStore, type StoreOptions } from './store/memory-store'
export { esErrorBody } from './store/errors'
export type { Engine } from './store/engines'
export type { StoreRequest, StoreResponse } from './store/types'
export {
  startEmulator,
  type Emulator,
  type EmulatorMode,
  type EmulatorOptions,
  type FaultAction,
  type FaultContext,
  type FaultHook,
  type RevokeOptions,
  type Verdict,
} from './emulator'
export { runEmulatorCli, type EmulatorCliIo } from './cli'
