/**
 * SigV4's canonical request, written out: the rules of AWS's own signer (`@smithy/signature-v4`
 * for every service but S3: `createCanonicalRequest`), without its per-request copies, regexes
 * and parameter bags. Its parts are steps of their own: canonical-path.ts, canonical-query.ts,
 * canonical-headers.ts. Held to smithy by the differential tests in test/sigv4/sign.test.ts:
 * every AWS test vector and fuzzed requests, signed both ways.
 */
import type { CanonicalHeaders, RequestToSign } from './types'
import { canonicalPath } from './canonical-path'

/** The canonical request: method, URI, query, headers, signed header names, payload hash. */
export function canonicalRequest(req: RequestToSign, headers: CanonicalHeaders): string {
  return (
    `${req.method}\n${canonicalPath(req.path)}\n${req.query}\n${headers.lines}\n` +
    `${headers.signed}\n${req.payloadHash}`
  )
}
