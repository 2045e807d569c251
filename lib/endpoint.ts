// TEMPORARY minimal version while endpoint inference is developed on its own branch.
import { AwsSigV4ConfigurationError } from './errors'
export interface SigningTargetInput {
  url: URL
  region?: string
  service?: string
  signingHost?: string
  env?: Record<string, string | undefined>
}
export interface SigningTarget {
  region: string
  service: string
  host: string
}
export function resolveSigningTarget(input: SigningTargetInput): SigningTarget {
  const env = input.env ?? process.env
  const region = input.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION
  if (!region) throw new AwsSigV4ConfigurationError('region', 'no region')
  return { region, service: input.service ?? 'es', host: input.signingHost ?? input.url.host }
}
export function validateRegion(value: unknown, _option?: string): string {
  return value as string
}
export function validateService(value: unknown, _option?: string): string {
  return value as string
}
