/**
 * `diagnose`'s reading of the answer to its signed request: what the endpoint is when it
 * answered 2xx, and what to do when it refused, row by row of the refusals `refusals.ts`
 * recognises. Pure: everything it knows comes in the {@link ProbeContext}.
 */
import type { SigningTarget } from '../aws/endpoint'
import type { SignatureDescription } from '../sigv4/types'
import type { Step } from './checklist'
import { formatDuration } from './checklist'
import { CLOCK_LIMIT_MS } from './constants'
import { compareCanonical, formatComparison } from './mismatch'
import type { AnswerText, FgacDenial, IamDenial, Refusal } from './refusals'
import { answerSummary, headerOf, recognizeRefusal } from './refusals'
import type { RefusalStyle } from '../aws/services'
import { parseJsonObject } from '../common/body'

export interface ProbeContext {
  method: string
  /** Path and query as sent. */
  path: string
  target: SigningTarget
  refusals: RefusalStyle
  /** The access key id, shortened. */
  key: string
  /** Where the credentials came from (`profile "dev" (SSO)`). */
  source: string
  /** The profile name, when the credentials came from one. */
  profile?: string
  /** Whether a session token was sent with the key. */
  hasSessionToken: boolean
  /** What we signed, secrets redacted. */
  ours: SignatureDescription
  /** The endpoint's clock minus the machine's, when the answer's `Date` told. */
  clockOffsetMs?: number
}

export interface Interpretation {
  step: Step
  /** The endpoint answered 2xx. */
  ok: boolean
  refusal?: Refusal
}

/** The Request step for an answer. */
export function interpretAnswer(answer: AnswerText, ctx: ProbeContext): Interpretation {
  const head = `${ctx.method} ${ctx.path} → ${answer.status}`
  if (answer.status >= 200 && answer.status < 300) {
    const engine = describeEngine(answer, ctx)
    return { ok: true, step: { mark: 'ok', label: 'Request', text: `${head} · ${engine}` } }
  }
  const text = `${head} ${answerSummary(answer)}`
  const refusal = recognizeRefusal(answer, ctx.refusals)
  if (refusal !== undefined) {
    const { advice, detail } = adviceFor(refusal, ctx)
    return { ok: false, refusal, step: { mark: 'fail', label: 'Request', text, advice, detail } }
  }
  if (answer.status === 404) {
    return {
      ok: false,
      step: {
        mark: 'warn',
        label: 'Request',
        text,
        advice: [
          'the signature was accepted (AWS refuses a bad one with 403), but nothing answers ' +
            `${ctx.method} ${ctx.path} here: check the URL's path`,
        ],
      },
    }
  }
  return {
    ok: false,
    step: { mark: 'fail', label: 'Request', text, advice: [otherAdvice(answer)] },
  }
}

/** What a 2xx says about the engine: its distribution and version, or the collection's indices. */
export function describeEngine(answer: AnswerText, ctx: Pick<ProbeContext, 'target'>): string {
  const json = parseJsonObject(answer.text)
  const version = json?.version
  if (typeof version === 'object' && version !== null) {
    const { number, distribution } = version as Record<string, unknown>
    if (typeof number === 'string') {
      return `${distribution === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'} ${number}`
    }
  }
  if (ctx.target.endpoint?.kind === 'serverless-collection' || ctx.target.service === 'aoss') {
    const indices = answer.text.split('\n').filter((line) => line.trim() !== '').length
    return `OpenSearch Serverless collection, ${indices} ${indices === 1 ? 'index' : 'indices'} (Serverless has no version API)`
  }
  const type = headerOf(answer.headers, 'content-type')
  return `the endpoint answered${type === undefined ? '' : ` (${type.split(';')[0]})`}`
}

function adviceFor(refusal: Refusal, ctx: ProbeContext): { advice: string[]; detail?: string[] } {
  switch (refusal.kind) {
    case 'credentials-rejected':
      return {
        advice: [
          refusal.expired
            ? `the credentials (${ctx.source}) have expired: ${refreshHint(ctx)}`
            : missingToken(ctx)
              ? `no session token was sent with key ${ctx.key} (${ctx.source}): if it is ` +
                'temporary (STS, SSO, an assumed role), set AWS_SESSION_TOKEN too; otherwise ' +
                'AWS does not know it (a wrong or deleted key)'
              : `AWS does not know key ${ctx.key} (${ctx.source}): a wrong or deleted key${tokenHint(ctx)}`,
        ],
      }
    case 'clock-skew':
      return {
        advice: [
          ctx.clockOffsetMs === undefined
            ? clockAdvice(undefined)
            : 'AWS refused the date the request was signed with: the clock above is the cause',
        ],
      }
    case 'signature-mismatch':
      return mismatchAdvice(refusal.expected?.canonicalRequest, ctx)
    case 'iam-denied':
      return { advice: iamAdvice(refusal, ctx) }
    case 'fgac-denied':
      return { advice: fgacAdvice(refusal) }
    case 'serverless-denied':
      return serverlessAdvice(refusal.status, refusal.hint, ctx)
    case 'wrong-scope':
      return { advice: scopeAdvice(refusal, ctx) }
    case 'unsigned':
      return {
        advice: [
          'the request arrived without a signature: something between here and the endpoint ' +
            'removed the Authorization header',
        ],
      }
  }
}

/**
 * A key refused without a session token, that is not a long-term `AKIA…` one: most likely
 * temporary credentials whose token was left behind.
 */
function missingToken(ctx: ProbeContext): boolean {
  return !ctx.hasSessionToken && !ctx.key.startsWith('AKIA')
}

/** What else an unknown key can mean: the session token that goes with it. */
function tokenHint(ctx: ProbeContext): string {
  if (ctx.key.startsWith('ASIA'))
    return ', or a session token that is missing or belongs to another key'
  if (ctx.hasSessionToken && ctx.key.startsWith('AKIA')) {
    return ', or a session token sent with a long-term key (unset AWS_SESSION_TOKEN)'
  }
  return ctx.hasSessionToken ? ', or a session token that does not belong to it' : ''
}

function refreshHint(ctx: ProbeContext): string {
  if (ctx.source.includes('(SSO)') && ctx.profile)
    return `run aws sso login --profile ${ctx.profile}`
  if (ctx.source.startsWith('environment')) {
    return 'export fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN'
  }
  return 'get fresh ones from their source and run again'
}

/** What to do about a skewed clock. */
export const CLOCK_FIX =
  'sync the clock (timedatectl set-ntp true; w32tm /resync on Windows). The connection ' +
  'corrects for it after one refused request; other tools do not'

/** How far the clock is off, when the endpoint's `Date` said, and what to do. */
function clockAdvice(offsetMs: number | undefined): string {
  const off =
    offsetMs === undefined
      ? 'the machine clock is more than 5 min off'
      : `the machine clock is ${formatDuration(offsetMs)} ${offsetMs > 0 ? 'behind' : 'ahead of'} the endpoint`
  return `${off}: ${CLOCK_FIX}`
}

function mismatchAdvice(
  expected: string | undefined,
  ctx: ProbeContext,
): { advice: string[]; detail?: string[] } {
  if (expected === undefined) {
    return {
      advice: [
        `AWS does not say what it expected: most likely the secret key is not the one for key ${ctx.key}, ` +
          'or a proxy rewrote the Host, path or query',
      ],
      detail: ['we signed:', ...ctx.ours.canonicalRequest.split('\n').map((line) => `  ${line}`)],
    }
  }
  const { lines, cause } = compareCanonical(ctx.ours.canonicalRequest, expected, ctx.key)
  return { advice: [cause], detail: ['canonical request:', ...formatComparison(lines)] }
}

function iamAdvice(denial: IamDenial, ctx: ProbeContext): string[] {
  const { principal, action, policyType } = denial
  if (principal === 'anonymous') {
    return [
      'the request reached the endpoint unsigned, or its signature was not recognised: something ' +
        "in between removed the Authorization header, or the domain's access policy allows only " +
        'IP addresses',
    ]
  }
  const who = principalLabel(principal)
  const resource = denial.resource ?? resourceArn(ctx.target, principal) ?? 'the domain'
  if (denial.explicit) {
    const policy = `${policyType === undefined ? 'a' : `the ${policyType}`} policy${denial.policyArn ? ` ${denial.policyArn}` : ''}`
    return [
      `a Deny in ${policy} blocks ${action} for ${who}: remove or narrow it (a Deny beats every Allow)`,
    ]
  }
  if (policyType === 'identity-based') {
    return [`allow ${action} on ${resource} in an IAM policy attached to ${who}`]
  }
  if (policyType === 'resource-based') {
    return [
      `add ${policyPrincipal(principal)} to the domain's access policy, allowing ${action} on ${resource}`,
    ]
  }
  if (policyType !== undefined) {
    return [`no ${policyType} policy allows ${action} for ${who}: allow it there`]
  }
  return [
    `allow ${action} on ${resource} for ${who}: in an IAM policy attached to it, or in the ` +
      "domain's access policy",
  ]
}

/** `role ingest`, `user alice`, or the ARN itself. */
export function principalLabel(arn: string): string {
  const role = /^arn:[\w-]+:sts::\d+:assumed-role\/([^/]+)\//.exec(arn)
  if (role) return `role ${role[1]} (${arn})`
  const iam = /^arn:[\w-]+:iam::\d+:(user|role)\/(?:.*\/)?([^/]+)$/.exec(arn)
  if (iam) return `${iam[1]} ${iam[2]} (${arn})`
  return arn
}

/** The principal as an access policy names it: an assumed-role session is its role. */
export function policyPrincipal(arn: string): string {
  const role = /^arn:([\w-]+):sts::(\d+):assumed-role\/([^/]+)\//.exec(arn)
  return role ? `arn:${role[1]}:iam::${role[2]}:role/${role[3]}` : arn
}

/** `arn:aws:es:<region>:<account>:domain/<name>/*` for a domain host and the caller's account. */
export function resourceArn(target: SigningTarget, principal: string): string | undefined {
  const account = /^arn:([\w-]+):(?:sts|iam)::(\d+):/.exec(principal)
  const host = target.host.split('.')[0]
  const domain = /^(?:search|vpc)-(.+)-[a-z0-9]+$/.exec(host)?.[1]
  if (account === null || domain === undefined || target.service !== 'es') return undefined
  return `arn:${account[1]}:es:${target.region}:${account[2]}:domain/${domain}/*`
}

function fgacAdvice(denial: FgacDenial): string[] {
  const who =
    denial.backendRoles.length > 0
      ? `backend role ${denial.backendRoles[0]}`
      : `user ${denial.user}`
  const where =
    'in OpenSearch Dashboards: Security → Roles → <role> → Mapped users, or ' +
    'PUT _plugins/_security/api/rolesmapping/<role>'
  if (denial.unmappedRoles !== undefined) {
    return [
      `fine-grained access control maps ${who} to none of its roles [${denial.unmappedRoles.join(', ')}]: map it to one (${where})`,
    ]
  }
  const grants = denial.permissions.length > 0 ? denial.permissions.join(', ') : 'this action'
  return [
    `IAM let the request through; fine-grained access control refused it. Map ${who} to an ` +
      `OpenSearch role that grants ${grants} (${where})`,
  ]
}

function serverlessAdvice(
  status: number,
  hint: string | undefined,
  ctx: ProbeContext,
): { advice: string[]; detail?: string[] } {
  const collection =
    ctx.target.endpoint?.kind === 'serverless-collection'
      ? `collection ${ctx.target.host.split('.')[0]}`
      : 'the collection'
  if (status === 401 || hint?.includes('network-policy-deny')) {
    return {
      advice: [
        `the network policy of ${collection} does not allow this source: allow ` +
          'public access, or the VPC endpoint you come through',
      ],
    }
  }
  const checks = [
    `a data access policy for ${collection} granting aoss:DescribeIndex (this check; ` +
      'aoss:ReadDocument / aoss:WriteDocument for reads and writes) to the IAM principal of key ' +
      `${ctx.key}`,
    'an IAM policy of that principal allowing aoss:APIAccessAll',
    ctx.target.service === 'aoss'
      ? 'signed for service aoss, with x-amz-content-sha256: ✓ (checked here)'
      : `signed for service ${ctx.target.service}, not aoss: pass --service aoss`,
    'the credentials themselves: an expired or unknown key gets the same bare 403',
  ]
  if (ctx.clockOffsetMs !== undefined && Math.abs(ctx.clockOffsetMs) > CLOCK_LIMIT_MS) {
    checks.unshift(`the clock first: ${clockAdvice(ctx.clockOffsetMs)}`)
  }
  return {
    advice: ['OpenSearch Serverless does not say why it refuses. Check:'],
    detail: checks.map((check) => `  · ${check}`),
  }
}

function scopeAdvice(
  refusal: Extract<Refusal, { kind: 'wrong-scope' }>,
  ctx: ProbeContext,
): string[] {
  const advice: string[] = []
  if (refusal.regionRefused) {
    const sent = refusal.region ?? ctx.target.region
    const hostRegion = ctx.target.endpoint?.region
    advice.push(
      hostRegion !== undefined && hostRegion !== sent
        ? `signed for ${sent}, but the host is in ${hostRegion}: drop --region, or pass --region ${hostRegion}`
        : `${sent} is not the endpoint's region: pass --region with the region it runs in (or set AWS_REGION)`,
    )
  }
  if (refusal.service !== undefined) {
    advice.push(
      `the endpoint expects service '${refusal.service}', not '${ctx.target.service}': pass --service ${refusal.service}`,
    )
  }
  return advice
}

function otherAdvice(answer: AnswerText): string {
  if (answer.status >= 500) {
    return "the endpoint failed, not the signature: try again; if it persists, check the domain's health"
  }
  if (answer.status === 429) return 'the endpoint is throttling: try again later'
  return 'the endpoint refused the request itself, not its signature'
}
