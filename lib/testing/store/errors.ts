/** Elasticsearch's error responses: thrown inside the store, answered by its router. */

/** An error the store answers with Elasticsearch's status and body. */
export class EsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    readonly extra: Record<string, unknown> = {},
    /** The `root_cause` list when it is not the error itself (a search's failed shards). */
    readonly rootCauses?: ReadonlyArray<Record<string, unknown>>,
  ) {
    super(reason)
  }
}

/**
 * An error the engine answers with a plain string for `error` and no `root_cause`: a route it
 * has no handler for (400), a method a route does not take (405, with `Allow`).
 */
export class EsRouteError extends Error {
  constructor(
    readonly status: 400 | 405,
    readonly text: string,
    readonly allow?: readonly string[],
  ) {
    super(text)
  }
}

/** Body shape of an Elasticsearch error response. */
export function esErrorBody(
  status: number,
  type: string,
  reason: string,
  extra: Record<string, unknown> = {},
  rootCauses?: ReadonlyArray<Record<string, unknown>>,
): Record<string, unknown> {
  const cause = { type, reason, ...extra }
  return {
    error: { root_cause: rootCauses ?? [{ type, reason, ...rootFields(extra) }], ...cause },
    status,
  }
}

/** What a root cause repeats of its error: all but the nested cause. */
function rootFields(extra: Record<string, unknown>): Record<string, unknown> {
  const { caused_by: _causedBy, ...rest } = extra
  return rest
}
