/**
 * What the emulator's verdicts may show of the texts the verifier builds from a request: the
 * session token and the signature that arrived are secrets, whichever request they came in.
 * The placeholders are the ones the signing side shows (`sigv4_debug`), so a verdict's
 * canonical request and the client's can be compared as they are.
 */
import { REDACTED_SIGNATURE, REDACTED_TOKEN } from '../common/redaction-marks'

const TOKEN_LINE = /^(x-amz-security-token:).*$/gim
const SIGNATURE_FIELD = /(Signature=)[0-9a-f]+/gi
const SECRET_QUERY_VALUE = /((?:^|[&?\n])(?:X-Amz-Security-Token|X-Amz-Signature)=)[^&\n']*/gi

/**
 * `text` with the `x-amz-security-token:` line of a canonical request, an `Authorization`'s
 * `Signature=…` and the values of the `X-Amz-Security-Token` / `X-Amz-Signature` query
 * parameters replaced; every other character kept.
 */
export function withoutRequestSecrets(text: string): string {
  return text
    .replace(TOKEN_LINE, `$1${REDACTED_TOKEN}`)
    .replace(SIGNATURE_FIELD, `$1${REDACTED_SIGNATURE}`)
    .replace(SECRET_QUERY_VALUE, '$1<redacted>')
}
