/**
 * What passes between the client's transport and this package's connection: the request it
 * hands over, the signed copy we send, the connection it goes through and the response that
 * comes back. Types only: a leaf of the exchange layer.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import type { AwsCredentialIdentity } from '@smithy/types'
import type { SigningTarget } from '../aws/endpoint'
import type { RefusalStyle } from '../aws/services'
import type { SignatureDescription } from '../sigv4/types'

/** The request bodies the transport hands a connection. */
export type RequestBody = string | Buffer | Uint8Array | Readable | null | undefined

/** The request as the transport hands it to a connection (see `ConnectionRequestParams`). */
export interface TransportRequest {
  method: string
  path: string
  headers?: IncomingHttpHeaders | null
  body?: RequestBody
  querystring?: string
}

/** A signed copy of a request, ready for the base connection, and a way to explain its signature. */
export interface SignedTransportRequest {
  params: {
    method: string
    path: string
    querystring: string
    headers: Record<string, string | string[]>
    body: RequestBody
  }
  /** Canonical request and string to sign, for a signature mismatch. Secrets are redacted. */
  describe(): SignatureDescription
  /** The credentials used, so a rejection can invalidate exactly these. */
  credentials: AwsCredentialIdentity
  /** Whether the body can be sent again (not a stream passed through unsigned). */
  replayable: boolean
}

/**
 * The connection a request goes through: its base URL and its own default headers, and what
 * its node is signed for (see `resolveNodeOptions`).
 */
export interface ConnectionContext {
  url: URL
  headers?: IncomingHttpHeaders | null
  target: SigningTarget
  /** Send plain JSON media types instead of Elastic's vendor types (Amazon-managed engines). */
  plainMediaTypes: boolean
  /** `true`: no body is hashed; `'streams'`: stream bodies are not; `false`: every body is. */
  unsignedPayload: boolean | 'streams'
  /** How the service's refusals look, to recognise them. */
  refusals: RefusalStyle
}

/** A response as the base connection resolves it (not streamed). */
export interface ConnectionResponse {
  statusCode: number
  headers: IncomingHttpHeaders
  body: unknown
}
