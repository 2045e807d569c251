/**
 * `elasticsearch-aws-sigv4/testing`: a local endpoint that verifies AWS SigV4 the way AWS does,
 * in front of a small in-memory Elasticsearch look-alike (or a real cluster), and the verifier
 * itself for requests you hold.
 *
 * Public: the emulator (`startEmulator` and its types), `verifySignature` with its types, and
 * the types those reach (the store the emulator exposes, verdict reasons, error bodies). The
 * canonicalisation, the AWS error texts and the store's internals are not part of the API.
 */
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
export {
  verifySignature,
  type EmulatorCredentials,
  type RawRequest,
  type RevocationKind,
  type VerifyOptions,
  type VerifyResult,
} from './verifier'
export type { MemoryStore } from './store/memory-store'
export type { Engine } from './store/engines'
export type { AuthFailureReason, AwsErrorResponse, ErrorStyle } from './aws-errors'
export type { CanonicalOptions, QueryPlusMode } from './canonical'
