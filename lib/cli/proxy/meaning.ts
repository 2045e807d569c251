/**
 * What an AWS refusal the proxy passes on means, for its log line: `diagnose`'s own reading
 * (interpret.ts) of the answer, with what the proxy signed, in one line.
 */
import type { ConnectionContext, SignedTransportRequest } from '../../exchange/types'
import { shortKeyId } from '../credentials'
import { interpretAnswer } from '../interpret'
import type { AnswerText } from '../refusals'
import { answerSummary } from '../refusals'

export interface Signer {
  /** Where the credentials came from, as `diagnose` says it (`profile "dev"`). */
  source: string
  /** The profile's name, when they came from one (for `aws sso login --profile …`). */
  profile?: string
}

/** The reading of a 401/403 as one line: what AWS said, then what to do. */
export function refusalMeaning(
  answer: AnswerText,
  request: { method: string; path: string },
  signed: SignedTransportRequest,
  context: ConnectionContext,
  signer: Signer,
  clockOffsetMs: number | undefined,
): string {
  const reading = interpretAnswer(answer, {
    method: request.method,
    path: request.path,
    target: context.target,
    refusals: context.refusals,
    key: shortKeyId(signed.credentials.accessKeyId),
    hasSessionToken: Boolean(signed.credentials.sessionToken),
    source: signer.source,
    ...(signer.profile === undefined ? {} : { profile: signer.profile }),
    ours: signed.describe(),
    ...(clockOffsetMs === undefined ? {} : { clockOffsetMs }),
  })
  const said = answerSummary(answer)
  const advice = [...(reading.step.advice ?? [])]
  // Serverless's checks are a short list; a mismatch's comparison is a table for `diagnose`.
  if (reading.refusal?.kind === 'serverless-denied') {
    advice.push(...(reading.step.detail ?? []).map((line) => line.replace(/^\s*·\s*/, '')))
  }
  return [said, ...advice].join(' — ').replace(/\s*\n\s*/g, ' ')
}
