/**
 * SigV4's own names, spelt as `@smithy/signature-v4`, AWS's signer, spells them
 * (test/sigv4/constants.test.ts holds them to it): written here rather than imported, so that
 * loading the package does not load the signer (platform/smithy-loader.ts). Constants of other
 * layers live in the module that uses them.
 */

/** The signing algorithm, first word of the `Authorization` header. */
export const ALGORITHM_IDENTIFIER = 'AWS4-HMAC-SHA256'

/** Last element of the credential scope. */
export const KEY_TYPE_IDENTIFIER = 'aws4_request'

/** The header that carries the signature. */
export const AUTH_HEADER = 'authorization'

/** The header that carries the signing time, `YYYYMMDDTHHMMSSZ`. */
export const AMZ_DATE_HEADER = 'x-amz-date'

/** The header that carries the session token of temporary credentials. */
export const TOKEN_HEADER = 'x-amz-security-token'

/** The header that carries the payload hash. */
export const SHA256_HEADER = 'x-amz-content-sha256'

/** The payload hash of a body sent unsigned. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'

/** SHA-256 of the empty string: the payload hash of a request without a body. */
export const EMPTY_PAYLOAD_SHA256 =
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/**
 * The query parameters of SigV4 query-string signing (presigned URLs), as AWS spells them; in
 * any letter case they cannot be sent with a request signed in its headers.
 */
export const PRESIGNED_QUERY_PARAMETERS: readonly string[] = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
  'X-Amz-Security-Token',
]
