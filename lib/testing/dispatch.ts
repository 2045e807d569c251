/**
 * From a verified HTTP request to the in-memory store's answer: the path decoded into
 * segments, the body decompressed (to at most the emulator's `maxBodyBytes`: a few compressed
 * bytes may inflate to gigabytes), and what the service has no API for refused.
 */
import type { ServiceRow } from '../aws/services'
import { headerValues } from './canonical'
import { decodeBodyCapped, isDecodedTooLarge } from '../common/content-encoding'
import { esErrorBody } from './store/errors'
import type { MemoryStore } from './store/memory-store'
import type { StoreResponse } from './store/types'

export interface ArrivedRequest {
  method: string
  /** Raw path and query string as received. */
  path: string
  query: string
  rawHeaders: readonly string[]
  body: Buffer
}

export async function answerFromStore(
  store: MemoryStore,
  service: ServiceRow,
  request: ArrivedRequest,
  maxBodyBytes: number,
): Promise<StoreResponse> {
  const { method, path } = request
  let segments: string[]
  try {
    segments = path
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s))
  } catch {
    return {
      status: 400,
      body: esErrorBody(
        400,
        'illegal_argument_exception',
        `invalid percent-encoding in path [${path}]`,
      ),
    }
  }
  if (!service.clusterInfo && segments.length === 0) {
    // Serverless has no cluster-info API (it is not in its list of supported operations).
    return {
      status: 404,
      body: esErrorBody(404, 'unsupported_operation', `GET / is not supported by ${service.title}`),
    }
  }
  let body: Buffer
  try {
    body = await decodeBodyCapped(
      request.body,
      headerValues(request.rawHeaders, 'content-encoding')[0],
      maxBodyBytes,
    )
  } catch (err) {
    if (isDecodedTooLarge(err)) {
      return {
        status: 413,
        body: esErrorBody(
          413,
          'content_too_long_exception',
          `request body decompresses to more than ${maxBodyBytes} bytes (the emulator's maxBodyBytes)`,
        ),
      }
    }
    return {
      status: 400,
      body: esErrorBody(400, 'parse_exception', 'request body could not be decompressed'),
    }
  }
  return store.handle({
    method,
    segments,
    query: new Map(new URLSearchParams(request.query)),
    body,
  })
}
