/**
 * Keeping the session token and request signatures of a signed exchange out of everything a user
 * sees: inspected or serialised request params, and error bodies that quote them back.
 */
import { inspect } from 'node:util'
import type { SignedTransportRequest } from './types'
import type { SigV4Headers } from '../sigv4/types'
import { AUTH_HEADER, TOKEN_HEADER } from '../sigv4/constants'
import { REDACTED_SIGNATURE, REDACTED_TOKEN } from '../common/redaction-marks'
import { redactHeaderValues, redactSecrets } from '../common/redaction'
import type { Secret } from '../common/redaction'
import type { IncomingHttpHeaders } from 'node:http'

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
 * string when neither is in it), in whatever encoding it quotes them (see common/redaction.ts).
 * AWS's "signature does not match" 403 quotes the canonical request it expected,
 * `x-amz-security-token` line and all, and the client puts that body in
 * `ResponseError.message`, which ends up in logs.
 */
export function withoutEchoedSecrets(text: string, signed: SignedTransportRequest): string {
  return redactSecrets(text, echoedSecrets(signed))
}

/**
 * Response headers with the request's token and signature replaced, should a server or proxy
 * echo them (the client shows them as `meta.headers`); the same object when none does.
 */
export function withoutEchoedSecretsInHeaders(
  headers: IncomingHttpHeaders,
  signed: SignedTransportRequest,
): IncomingHttpHeaders {
  // On every response: nothing is looked for unless a value is as long as a secret can be.
  const token = signed.credentials.sessionToken
  const shortest = token && token.length < SIGNATURE_LENGTH ? token.length : SIGNATURE_LENGTH
  for (const name in headers) {
    const value = headers[name]
    if (typeof value === 'string' ? value.length >= shortest : Array.isArray(value)) {
      return redactHeaderValues(headers, echoedSecrets(signed))
    }
  }
  return headers
}

/** A SigV4 signature: 64 hex digits. */
const SIGNATURE_LENGTH = 64

/** The secrets of a signed request that a server may quote back: its token and its signature. */
function echoedSecrets(signed: SignedTransportRequest): Secret[] {
  const secrets: Secret[] = []
  const token = signed.credentials.sessionToken
  if (token) secrets.push({ value: token, mark: REDACTED_TOKEN })
  const auth = signed.params.headers[AUTH_HEADER]
  const signature = typeof auth === 'string' ? /Signature=([0-9a-f]+)/.exec(auth)?.[1] : undefined
  if (signature) secrets.push({ value: signature, mark: REDACTED_SIGNATURE })
  return secrets
}
