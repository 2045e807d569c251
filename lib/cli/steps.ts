/** `diagnose`'s steps before the request's interpretation: endpoint, credentials, clock. Pure. */
import type { AwsCredentialIdentity } from '@smithy/types'
import type { SigningTarget } from '../aws/endpoint'
import type { EndpointKind } from '../aws/services'
import type { Step } from './checklist'
import { formatDuration } from './checklist'
import { CLOCK_FINE_MS, CLOCK_LIMIT_MS } from './constants'
import { credentialsProblem, describeExpiry, shortKeyId } from './credentials'
import { CLOCK_FIX } from './interpret'
import { describeTarget } from './output'

const KINDS: Readonly<Record<EndpointKind, string>> = {
  domain: 'Amazon OpenSearch Service domain',
  'vpc-domain': 'Amazon OpenSearch Service VPC domain',
  'serverless-collection': 'OpenSearch Serverless collection',
  'lattice-service': 'VPC Lattice service',
  api: 'API Gateway API',
  'api-vpc-endpoint': 'API Gateway VPC endpoint',
  'ingestion-pipeline': 'OpenSearch Ingestion pipeline',
}

/**
 * What the endpoint is, and what requests to it are signed for; `regionNote` says the region is
 * not one AWS is known to have (regions.ts), which is worth a look but no failure.
 */
export function endpointStep(
  target: SigningTarget,
  env: Readonly<Record<string, string | undefined>>,
  regionNote?: string,
  regionFrom?: string,
): Step {
  const kind =
    target.endpoint === undefined
      ? 'not an AWS endpoint host (custom domain, proxy or tunnel)'
      : KINDS[target.endpoint.kind]
  const text = `${kind} · ${describeTarget(target, env, regionFrom)}`
  if (regionNote === undefined) return { mark: 'ok', label: 'Endpoint', text }
  return {
    mark: 'warn',
    label: 'Endpoint',
    text,
    advice: [
      `${regionNote} (signed for it as given: a region newer than the AWS SDK installed here is not listed)`,
    ],
  }
}

/** Where the credentials came from, the key they carry, and when they expire. */
export function credentialsStep(
  credentials: AwsCredentialIdentity,
  source: string,
  now: Date,
): Step {
  const parts = [
    source,
    `key ${shortKeyId(credentials.accessKeyId)}`,
    ...(credentials.sessionToken ? ['with session token'] : []),
    describeExpiry(credentials.expiration, now),
  ]
  const problem = credentialsProblem(credentials, now)
  return problem === undefined
    ? { mark: 'ok', label: 'Credentials', text: parts.join(' · ') }
    : { mark: 'fail', label: 'Credentials', text: parts.join(' · '), advice: [problem] }
}

/**
 * The endpoint's clock minus the machine's, from the answer's `Date` (whole seconds, so its
 * middle is taken) against the middle of the exchange; undefined without a usable `Date`.
 */
export function clockOffset(
  date: string | undefined,
  sentAt: number,
  receivedAt: number,
): number | undefined {
  if (date === undefined) return undefined
  const server = Date.parse(date)
  if (Number.isNaN(server)) return undefined
  return server + 500 - (sentAt + receivedAt) / 2
}

export function clockStep(offsetMs: number | undefined): Step {
  if (offsetMs === undefined) {
    return {
      mark: 'warn',
      label: 'Clock',
      text: 'the endpoint sent no Date header: the clocks cannot be compared',
    }
  }
  const off = formatDuration(offsetMs)
  const side = offsetMs > 0 ? 'behind' : 'ahead of'
  if (Math.abs(offsetMs) <= CLOCK_FINE_MS) {
    // `Date` has whole seconds: closer than 1 s cannot be told.
    const within = Math.abs(offsetMs) < 1000 ? '1 s' : off
    return { mark: 'ok', label: 'Clock', text: `within ${within} of the endpoint's clock` }
  }
  if (Math.abs(offsetMs) <= CLOCK_LIMIT_MS) {
    return {
      mark: 'warn',
      label: 'Clock',
      text: `machine clock is ${off} ${side} the endpoint; AWS refuses requests beyond 5 min`,
      advice: [CLOCK_FIX],
    }
  }
  return {
    mark: 'fail',
    label: 'Clock',
    text: `machine clock is ${off} ${side} the endpoint (AWS allows 5 min)`,
    advice: [CLOCK_FIX],
  }
}
