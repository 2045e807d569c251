/** Elasticsearch's error responses: thrown inside the store, answered by its router. */

/** An error the store answers with Elasticsearch's status and body. */
export class EsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(reason)
  }
}

/** Body shape of an Elasticsearch error response. */
export function esErrorBody(
  status: number,
  type: string,
  reason: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const cause = { type, reason, ...extra }
  return { error: { root_cause: [cause], ...cause }, status }
}
