/** The command line's constants, in one place. */

/** The name every message starts with, as the `bin` is called. */
export const BIN = 'elasticsearch-aws-sigv4'

/** Exit codes: success, a refused or failed request, a usage or configuration error. */
export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2

/**
 * The most of a response body the command line reads, and the most `--compressed` decompresses
 * it to: 100 MiB. Beyond it the body is cut (and said so), or printed as it arrived.
 */
export const MAX_BODY_BYTES = 100 * 1024 * 1024

/** `--max-time` when not given, in seconds: the client's own default request timeout. */
export const DEFAULT_MAX_TIME_S = 30

/**
 * The APIs whose body is newline-delimited JSON, by the end of their path: the ones the
 * official client sends as `bulkBody` (`_bulk`, `_msearch`, …). A body sent there defaults to
 * `application/x-ndjson`, anything else to `application/json`.
 */
export const NDJSON_PATHS: readonly RegExp[] = [
  /\/_bulk$/,
  /\/_msearch$/,
  /\/_msearch\/template$/,
  /\/_fleet\/_fleet_msearch$/,
  /\/_monitoring\/bulk$/,
  /\/_ml\/anomaly_detectors\/[^/]+\/_data$/,
  /\/_text_structure\/find_structure$/,
]

/** The harmless request `diagnose` signs: `GET /` where the service has a cluster-info API. */
export const PROBE_PATH = '/'
/**
 * OpenSearch Serverless has no `GET /`: its supported operations list `GET _cat/indices` under
 * `aoss:DescribeIndex`, and it answers 200 (an empty list is still 200).
 */
export const SERVERLESS_PROBE_PATH = '/_cat/indices'

/** Clock offsets `diagnose` reports: fine within a minute, refused by AWS beyond 5 minutes. */
export const CLOCK_FINE_MS = 60_000
export const CLOCK_LIMIT_MS = 5 * 60_000
