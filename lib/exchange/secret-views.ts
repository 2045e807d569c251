/**
 * Keeping the session token and request signatures of a signed exchange out of everything a user
 * sees: inspected or serialised request params, and error bodies that quote them back.
 */
import { inspect } from 'node:util'
import type { SignedTransportRequest } from './types'
import type { SigV4Headers } from '../sigv4/types'
import { AUTH_HEADER, TOKEN_HEADER } from '../sigv4/constants'
import { REDACTED_SIGNATURE, REDACTED_TOKEN } from '../common/redaction-marks'

type Headers = Record<string, string | string[]>

/**
 * Makes `util.inspect` and `JSON.stringify` show the signed request with its session token and
 * signature (valid for 15 minutes) redacted. The views live on shared prototypes, not on the
 * objects, so copies (spread, `Object.assign`) and the HTTP stack, which read own properties
 * only, never see them, and a request costs no property definitions. The base connections log
 * this very object with `debug('Starting a new request', params)` when DEBUG=elasticsearch is set.
 */
export function withSecretsHidden<T extends object>(
  fields: T,
  ...headerSets: Array<Headers | SigV4Headers>
): T & { headers: Headers } {
  // Built once on the view prototypes: the merged headers are the only copy.
  const headers = Object.assign(Object.create(HEADERS_VIEW) as Headers, ...headerSets)
  return Object.assign(Object.create(PARAMS_VIEW) as T, fields, { headers })
}

function redactedHeaders(headers: Headers): Headers {
  const out = { ...headers }
  const authorization = out[AUTH_HEADER]
  if (typeof authorization === 'string') {
    out[AUTH_HEADER] = authorization.replace(/Signature=[0-9a-f]+/, 'Signature=<redacted>')
  }
  if (out[TOKEN_HEADER] !== undefined) out[TOKEN_HEADER] = '<redacted>'
  return out
}

const HEADERS_VIEW = viewPrototype((headers: Headers) => redactedHeaders(headers))
const PARAMS_VIEW = viewPrototype((params: { headers: Headers }) => ({
  ...params,
  headers: redactedHeaders(params.headers),
}))

/** A prototype whose non-enumerable `inspect` and `toJSON` show `view(this)` instead. */
function viewPrototype<T>(view: (self: T) => object): object {
  return Object.create(Object.prototype, {
    [inspect.custom]: {
      value(this: T, depth: number, options: { depth?: number | null }) {
        return inspect(view(this), {
          ...options,
          depth: options.depth == null ? options.depth : depth,
        })
      },
    },
    toJSON: {
      value(this: T) {
        return view(this)
      },
    },
  })
}

/**
 * An error body's text with the session token and signature of the request replaced (the same
 * string when neither is in it). AWS's "signature does not match" 403 quotes the canonical
 * request it expected, `x-amz-security-token` line and all, and the client puts that body in
 * `ResponseError.message`, which ends up in logs.
 */
export function withoutEchoedSecrets(text: string, signed: SignedTransportRequest): string {
  const replacements: Array<[string, string]> = []
  const token = signed.credentials.sessionToken
  if (token) {
    for (const form of new Set([
      token,
      JSON.stringify(token).slice(1, -1),
      token.replace(/\//g, '\\/'),
    ])) {
      replacements.push([form, REDACTED_TOKEN])
    }
  }
  const auth = signed.params.headers[AUTH_HEADER]
  const signature = typeof auth === 'string' ? /Signature=([0-9a-f]+)/.exec(auth)?.[1] : undefined
  if (signature) replacements.push([signature, REDACTED_SIGNATURE])
  let out = text
  for (const [secret, placeholder] of replacements) {
    if (out.includes(secret)) out = out.split(secret).join(placeholder)
  }
  return out
}
