/**
 * What a refusal says, read from AWS's and the engine's own words: the three SigV4 rejections the
 * connection recovers from (`classifyAwsRejection`), and the ones only a person can fix: an IAM
 * or access-policy denial, a fine-grained access control refusal, a Serverless policy denial, a
 * credential scope for the wrong region or service, an unsigned request. Pure.
 */
import { STATUS_CODES } from 'node:http'
import { classifyAwsRejection, messageOf } from '../aws/rejections'
import { parseJsonObject } from '../common/body'
import type { RefusalStyle } from '../aws/services'

export type Refusal =
  | { kind: 'credentials-rejected'; expired: boolean }
  | {
      kind: 'clock-skew'
      /** The server's time, from AWS's "(… - 5 min.)"; undefined when it could not be read. */
      serverTime?: Date
    }
  | {
      kind: 'signature-mismatch'
      /** What AWS says it expected, when it says (Amazon OpenSearch Service does). */
      expected?: { canonicalRequest: string; stringToSign?: string }
    }
  | ({ kind: 'iam-denied' } & IamDenial)
  | ({ kind: 'fgac-denied' } & FgacDenial)
  | {
      kind: 'serverless-denied'
      status: number
      /** `x-aoss-response-hint`, e.g. `X01:gw-helper-deny`. */
      hint?: string
    }
  | {
      kind: 'wrong-scope'
      /** The region that was signed for and refused (`not 'us-east-1'`). */
      region?: string
      /** When the region was refused without saying which (API Gateway's short form). */
      regionRefused: boolean
      /** The service AWS expects (`correct service: 'es'`). */
      service?: string
    }
  | { kind: 'unsigned' }

/** `User: <principal> is not authorized to perform: <action> …` */
export interface IamDenial {
  principal: string
  action: string
  resource?: string
  /** `identity-based`, `resource-based`, `service control`, … when AWS says. */
  policyType?: string
  explicit: boolean
  /** The denying policy's ARN, which AWS appends in some accounts. */
  policyArn?: string
}

/** `no permissions for [<permissions>] and User [name=…, backend_roles=[…], …]` */
export interface FgacDenial {
  /** Missing permissions; empty for `No mapping for User […] on roles […]`. */
  permissions: string[]
  user: string
  backendRoles: string[]
  /** The roles the user is not mapped to (`No mapping for …`). */
  unmappedRoles?: string[]
}

/** A response, with its body as text. */
export interface AnswerText {
  status: number
  headers: Readonly<Record<string, string | string[] | undefined>>
  text: string
}

/** The refusal a 401/403 carries, if its words say which; undefined for anything else. */
export function recognizeRefusal(answer: AnswerText, style: RefusalStyle): Refusal | undefined {
  if (answer.status !== 401 && answer.status !== 403) return undefined
  const json = parseJsonObject(answer.text)
  const rejection = classifyAwsRejection({ statusCode: answer.status, body: answer.text }, style)
  // 'generic': the text as it came, a Lattice refusal with its error class still in front.
  const message = messageOf(answer.text, json, 'generic')
  switch (rejection?.kind) {
    case 'credentials-rejected':
      return { kind: 'credentials-rejected', expired: /is expired/i.test(message) }
    case 'clock-skew':
      return { kind: 'clock-skew', serverTime: serverTimeIn(message) }
    case 'signature-mismatch':
      return { kind: 'signature-mismatch', expected: expectedCanonical(message) }
    case 'unexplained':
      return {
        kind: 'serverless-denied',
        status: answer.status,
        hint: headerOf(answer.headers, 'x-aoss-response-hint'),
      }
  }
  const iam = parseIamDenial(message)
  if (iam) return { kind: 'iam-denied', ...iam }
  const fgac = parseFgacDenial(json)
  if (fgac) return { kind: 'fgac-denied', ...fgac }
  const scope = parseScope(message)
  if (scope) return { kind: 'wrong-scope', ...scope }
  if (/^Missing Authentication Token/i.test(message)) return { kind: 'unsigned' }
  const hint = headerOf(answer.headers, 'x-aoss-response-hint')
  if (hint !== undefined || isServerlessBareRefusal(json)) {
    return { kind: 'serverless-denied', status: answer.status, hint }
  }
  return undefined
}

/**
 * One line saying what an answer of 400 or more was: AWS's message, the engine's error type
 * and reason, Serverless's bare status with its hint, or the first line of the text.
 */
export function answerSummary(answer: AnswerText): string {
  const json = parseJsonObject(answer.text)
  const hint = headerOf(answer.headers, 'x-aoss-response-hint')
  const withHint = (text: string): string =>
    hint === undefined ? text : `${text} (x-aoss-response-hint: ${hint})`
  const error = errorOf(json)
  // `{"status":403,"error":{"reason":"403 Forbidden","type":"Forbidden"}}`: the status is shown already.
  if (isServerlessBareRefusal(json)) return withHint(String(error?.type))
  if (error !== undefined && typeof error.type === 'string') {
    return withHint(
      typeof error.reason === 'string' ? `${error.type}: ${error.reason}` : error.type,
    )
  }
  if (typeof json?.error === 'string') return withHint(json.error)
  const message = messageOf(answer.text, json, 'generic').trim()
  if (message === '' || (json !== undefined && message === answer.text.trim())) {
    // No words of its own (an empty body, a document's `"found":false`): the status's.
    return withHint(STATUS_CODES[answer.status] ?? '(no message)')
  }
  return withHint(message.split('\n')[0].trim())
}

const IAM_DENIAL =
  /User: (\S+) is not authorized to perform: (\S+?)(?: on resource: (\S+?))?(?: because no ([\w -]+?) policy allows the \S+ action| with an explicit deny in (?:an? )?([\w -]+?) policy(?:: (\S+?))?)?\.?(?:$|\s)/

export function parseIamDenial(message: string): IamDenial | undefined {
  const m = IAM_DENIAL.exec(message)
  if (m === null) return undefined
  const [, principal, action, resource, implicitType, explicitType, policyArn] = m
  const denial: IamDenial = { principal, action, explicit: explicitType !== undefined }
  if (resource !== undefined) denial.resource = resource
  const policyType = explicitType ?? implicitType
  if (policyType !== undefined) denial.policyType = policyType
  if (policyArn !== undefined) denial.policyArn = policyArn
  return denial
}

const NO_PERMISSIONS = /^no permissions for \[(.*?)\] and (User \[.*\])$/s
const NO_MAPPING = /^No mapping for (User \[.*\]) on roles \[(.*?)\]$/s
const USER = /^User \[name=(.*?), backend_roles=\[(.*?)\]/s

/** The security plugin's `security_exception` (OpenSearch fine-grained access control). */
export function parseFgacDenial(json: Record<string, unknown> | undefined): FgacDenial | undefined {
  const error = errorOf(json)
  if (error?.type !== 'security_exception' || typeof error.reason !== 'string') return undefined
  const reason = error.reason.trim()
  const list = (text: string): string[] =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
  const user = (text: string): { user: string; backendRoles: string[] } | undefined => {
    const m = USER.exec(text)
    return m === null ? undefined : { user: m[1], backendRoles: list(m[2]) }
  }
  const denied = NO_PERMISSIONS.exec(reason)
  if (denied !== null) {
    const who = user(denied[2])
    return who && { permissions: list(denied[1]), ...who }
  }
  const unmapped = NO_MAPPING.exec(reason)
  if (unmapped !== null) {
    const who = user(unmapped[1])
    return who && { permissions: [], ...who, unmappedRoles: list(unmapped[2]) }
  }
  return undefined
}

/** `Credential should be scoped to a valid region, not 'x'. ` / `… to correct service: 'es'. ` */
export function parseScope(
  message: string,
): { region?: string; regionRefused: boolean; service?: string } | undefined {
  const region = /scoped to a valid region(?:, not '([^']*)')?/.exec(message)
  const service = /scoped to correct service: '([^']+)'/.exec(message)
  if (region === null && service === null) return undefined
  return {
    ...(region?.[1] === undefined ? {} : { region: region[1] }),
    regionRefused: region !== null,
    ...(service === null ? {} : { service: service[1] }),
  }
}

/** The server's time in `Signature expired: … (20150806T132034Z - 5 min.)`. */
export function serverTimeIn(message: string): Date | undefined {
  const m = /\((\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z [-+] \d+ min\.\)/.exec(message)
  if (m === null) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number)
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s))
}

/** The canonical request (and string to sign) AWS quotes after a signature mismatch. */
export function expectedCanonical(
  message: string,
): { canonicalRequest: string; stringToSign?: string } | undefined {
  const canonical = /The Canonical String for this request should have been\n'([\s\S]*?)'\n\n/.exec(
    message,
  )
  if (canonical === null) return undefined
  const toSign = /The String-to-Sign should have been\n'([\s\S]*?)'\n?$/.exec(message)
  return toSign === null
    ? { canonicalRequest: canonical[1] }
    : { canonicalRequest: canonical[1], stringToSign: toSign[1] }
}

/** `{"status":403,"error":{"reason":"403 Forbidden","type":"Forbidden"}}`: Serverless's only words. */
function isServerlessBareRefusal(json: Record<string, unknown> | undefined): boolean {
  const error = errorOf(json)
  return (
    error !== undefined &&
    (error.type === 'Forbidden' || error.type === 'Unauthorized') &&
    typeof json?.status === 'number'
  )
}

function errorOf(json: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const error = json?.error
  return typeof error === 'object' && error !== null && !Array.isArray(error)
    ? (error as Record<string, unknown>)
    : undefined
}

export function headerOf(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}
