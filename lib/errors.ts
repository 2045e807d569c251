/**
 * Every error class of this package. Each is exported so callers can `instanceof` them.
 * Messages name what is wrong and what to do; they never carry secrets.
 */

/** Base class of every error this package throws itself. */
export class AwsSigV4Error extends Error {
  override name = 'AwsSigV4Error'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** Invalid configuration, thrown at construction time (the `Client` constructor). */
export class AwsSigV4ConfigurationError extends AwsSigV4Error {
  override name = 'AwsSigV4ConfigurationError'

  constructor(
    /** The option (or environment variable) at fault, e.g. `region`. */
    readonly option: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/**
 * A request body that cannot be signed: a stream over the configured cap, a stream that
 * failed while it was read, or a header value of an unsupported type. Nothing was sent.
 */
export class AwsSigV4RequestError extends AwsSigV4Error {
  override name = 'AwsSigV4RequestError'
}

/**
 * The request was aborted (its `signal` fired) before it was sent. Named `RequestAbortedError`
 * so the client's transport recognises it and rethrows its own `RequestAbortedError`.
 */
export class AwsSigV4AbortError extends AwsSigV4Error {
  override name = 'RequestAbortedError'

  constructor(message = 'Request aborted before it was signed and sent') {
    super(message)
  }
}

/**
 * Credentials could not be obtained. Named `ConnectionError` because @elastic/transport switches
 * on `error.name` and must treat this like a failed connection (retried), not like a bug; except
 * when the provider answered with a wrongly shaped object, a programming error that no retry
 * fixes: then `retryable` is false and the name `AwsCredentialsError`, which 8.x/9.x do not retry.
 * The message names the source and what to check; it never contains secret values.
 */
export class AwsCredentialsError extends AwsSigV4Error {
  override name = 'ConnectionError'
  /** Whether asking again may help: false for a provider's wrongly shaped answer. */
  readonly retryable: boolean

  constructor(
    /** Where the credentials were to come from, e.g. `credentials provider function`. */
    readonly source: string,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, options)
    this.retryable = options?.retryable !== false
    if (!this.retryable) this.name = 'AwsCredentialsError'
  }
}

/**
 * @elastic/elasticsearch 7.14–7.17 cannot talk to this engine: an OpenSearch domain that reports
 * its own version (1.x–3.x) rather than 7.10.2, which those clients' product check refuses.
 * Reported by the connection in place of the check's answer; nothing else was sent.
 */
export class AwsSigV4UnsupportedEngineError extends AwsSigV4Error {
  override name = 'AwsSigV4UnsupportedEngineError'

  constructor(
    /** What the engine reported, e.g. `OpenSearch 2.19.6`. */
    readonly engine: string,
  ) {
    super(
      `The endpoint runs ${engine}, and @elastic/elasticsearch 7.14 to 7.17 refuse every request ` +
        'to an engine that does not report an Elasticsearch version (their product check). To fix: ' +
        'turn on compatibility mode, so the domain reports version 7.10.2 — on a running Amazon ' +
        'OpenSearch domain PUT /_cluster/settings {"persistent":{"compatibility.override_main_response_version":true}}, ' +
        'or set the advanced option override_main_response_version=true when creating or upgrading ' +
        'it ("Enable compatibility mode" in the console) — then restart this process; or use a ' +
        'client that works with it: @elastic/elasticsearch 7.13, 8.x or 9.x with this package, ' +
        'or the OpenSearch client (@opensearch-project/opensearch).',
    )
  }
}
