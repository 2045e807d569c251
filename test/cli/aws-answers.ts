// What AWS and the engines answer for the refusals the emulator has no layer for (it checks
// signatures, not policies), for `emu.onRequest` hooks to answer with. Texts as seen in public
// reports; the shapes of their variables (ARNs, actions) as AWS documents them.
import type { FaultAction } from '../../lib/testing'

const JSON_TYPE = { 'content-type': 'application/json' }

/**
 * An IAM denial on an Amazon OpenSearch Service domain, `{"Message": …}` with a capital M.
 * Format: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html;
 * seen for es: github.com/aws-solutions/centralized-logging-with-opensearch/pull/299
 * ("… is not authorized to perform: es:ESHttpPost because no identity-based p…").
 */
export function iamDenied(
  principal: string,
  action: string,
  policy = 'identity-based',
): FaultAction {
  return {
    status: 403,
    headers: JSON_TYPE,
    body: {
      Message: `User: ${principal} is not authorized to perform: ${action} because no ${policy} policy allows the ${action} action`,
    },
  }
}

/** The same with an explicit deny (seen: `… with an explicit deny in a service control policy`). */
export function iamExplicitDeny(principal: string, action: string, policy: string): FaultAction {
  return {
    status: 403,
    headers: JSON_TYPE,
    body: {
      Message: `User: ${principal} is not authorized to perform: ${action} with an explicit deny in a ${policy} policy`,
    },
  }
}

/**
 * Fine-grained access control (the OpenSearch security plugin): SecurityFilter's
 * `no permissions for %s and %s`, the user as `User [name=…, backend_roles=[…],
 * requestedTenant=…]` (opensearch-project/security, User.java), in the engine's error shape.
 */
export function fgacDenied(permission: string, user: string, backendRoles: string[]): FaultAction {
  const reason = `no permissions for [${permission}] and User [name=${user}, backend_roles=[${backendRoles.join(', ')}], requestedTenant=null]`
  const cause = { type: 'security_exception', reason }
  return {
    status: 403,
    headers: JSON_TYPE,
    body: { error: { root_cause: [cause], ...cause }, status: 403 },
  }
}

/**
 * OpenSearch Serverless: a bare 403 for a data access policy denial (logstash-output-opensearch
 * issue 228), `x-aoss-response-hint: X01:gw-helper-deny` ("Troubleshooting Amazon OpenSearch
 * Serverless", AWS developer guide).
 */
export function serverlessDenied(): FaultAction {
  return {
    status: 403,
    headers: { ...JSON_TYPE, 'x-aoss-response-hint': 'X01:gw-helper-deny' },
    body: {
      status: 403,
      'request-id': '68c3ef72-91f2-9817-8255-bd9c39efeadb',
      error: { reason: '403 Forbidden', type: 'Forbidden' },
    },
  }
}

/** Serverless's network policy: 401, an empty body, `X01:network-policy-deny` (same guide). */
export function serverlessNetworkDenied(): FaultAction {
  return {
    status: 401,
    headers: { 'x-aoss-response-hint': 'X01:network-policy-deny', server: 'aoss-amazon' },
  }
}
