/**
 * Validation of the AWS region and signing-service names that go into the SigV4 credential
 * scope. Both are checked at construction time so a typo fails loudly there instead of as an
 * opaque 403 "signature does not match" on the first request.
 */

import { AwsSigV4ConfigurationError } from '../errors'
import { describeValue } from '../common/validation'

/**
 * Shape of an AWS region name: a 2–4 letter area, an optional qualifier, a direction word and
 * a number. Matches `us-east-1`, `eu-central-2`, `cn-north-1`, `us-gov-west-1`,
 * `us-iso-east-1`, `us-isob-east-1`, `eusc-de-east-1`; rejects `us-east` (no number),
 * `us-east-1a` (an availability zone), `US-EAST-1` and `us_east_1`.
 *
 * A shape, not a list: new regions must work without a release of this package.
 */
export const REGION_PATTERN = /^[a-z]{2,4}(?:-[a-z]+)?-[a-z]+-\d{1,2}$/

/** Signing service names are lowercase words joined by single hyphens: es, aoss, execute-api. */
export const SERVICE_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

const REGION_EXAMPLE = "e.g. 'us-east-1', 'eu-west-1', 'cn-north-1' or 'us-gov-west-1'"

/** True when `value` is a string of region shape (see {@link REGION_PATTERN}). */
export function isRegion(value: unknown): value is string {
  return typeof value === 'string' && REGION_PATTERN.test(value)
}

/** The partition a region belongs to, or undefined for partitions this package can't infer. */
export function partitionOfRegion(region: string): 'aws' | 'aws-cn' | 'aws-us-gov' | undefined {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  // Only the plain shape: ISO, sovereign-cloud and future partitions live under other domains.
  return /^[a-z]{2}-[a-z]+-\d{1,2}$/.test(region) ? 'aws' : undefined
}

/**
 * Return `value` when it is a region name, otherwise throw an AwsSigV4ConfigurationError that
 * names `option` (an option or an environment variable) and shows what a region looks like.
 */
export function validateRegion(value: unknown, option = 'region'): string {
  if (isRegion(value)) return value
  throw new AwsSigV4ConfigurationError(
    option,
    `Invalid ${describeSource(option)}: ${describeValue(value)} is not an AWS region name. ` +
      `A region looks like <area>-<direction>-<number>, ${REGION_EXAMPLE}` +
      `${regionHint(value)}.`,
  )
}

/**
 * Return `value` when it is a plausible signing service name, otherwise throw an
 * AwsSigV4ConfigurationError naming `option`.
 */
export function validateService(value: unknown, option = 'service'): string {
  if (typeof value === 'string' && SERVICE_PATTERN.test(value)) return value
  throw new AwsSigV4ConfigurationError(
    option,
    `Invalid ${describeSource(option)}: ${describeValue(value)} is not an AWS signing service ` +
      "name. Use lowercase letters, digits and hyphens: 'es' for Amazon OpenSearch Service " +
      "domains, 'aoss' for OpenSearch Serverless, 'execute-api' for API Gateway, " +
      `'vpc-lattice-svcs' for VPC Lattice${serviceHint(value)}.`,
  )
}

/** Environment variables are written in capitals; options in camelCase. */
function describeSource(option: string): string {
  return /^[A-Z0-9_]+$/.test(option) ? `environment variable ${option}` : `\`${option}\` option`
}

/** Point at the likely mistake for the near misses people actually make. */
function regionHint(value: unknown): string {
  if (typeof value !== 'string') return ''
  const normalised = value.trim().toLowerCase().replace(/_/g, '-')
  if (normalised !== value && isRegion(normalised)) return ` (did you mean '${normalised}'?)`
  if (/^[a-z]{2,4}(?:-[a-z]+)?-[a-z]+-\d{1,2}[a-z]$/.test(normalised)) {
    return ` ('${value}' looks like an availability zone; its region is '${normalised.slice(0, -1)}')`
  }
  return ''
}

function serviceHint(value: unknown): string {
  if (typeof value !== 'string') return ''
  const normalised = value.trim().toLowerCase()
  return normalised !== value && SERVICE_PATTERN.test(normalised)
    ? ` (did you mean '${normalised}'?)`
    : ''
}
