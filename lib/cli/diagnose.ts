/**
 * `elasticsearch-aws-sigv4 diagnose URL`: a checklist of what a signed request to the endpoint
 * needs (endpoint, credentials, clock), one signed harmless request, and what its answer means.
 */
import { AwsSigV4ConfigurationError } from '../errors'
import { withoutEchoedSecrets } from '../exchange/secret-views'
import { serviceFor } from '../aws/services'
import type { SignedTransportRequest } from '../exchange/types'
import type { CommandSpec } from './args'
import {
  booleanValue,
  REGION_FLAG,
  SERVICE_FLAG,
  formatHelp,
  maxTimeMs,
  parseCommandArgs,
  stringValue,
  usageError,
} from './args'
import type { Step } from './checklist'
import { formatStep } from './checklist'
import {
  BIN,
  CLOCK_LIMIT_MS,
  DEFAULT_MAX_TIME_S,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  PROBE_PATH,
  SERVERLESS_PROBE_PATH,
} from './constants'
import type { CliCredentials } from './credentials'
import { loadCredentials, oneLine, profileName, regionOfProfile, shortKeyId } from './credentials'
import { isProblem, parseTargetUrl } from './curl'
import type { CliIo } from './io'
import type { Interpretation, ProbeContext } from './interpret'
import { interpretAnswer } from './interpret'
import { headerOf } from './refusals'
import type { Target } from './signing'
import { resolveTarget, send, signerFor } from './signing'
import { clockOffset, clockStep, credentialsStep, endpointStep } from './steps'
import { unreachableMessage } from './unreachable'
import { checkRegion, unknownRegionText } from './regions'

const DIAGNOSE_COMMAND: CommandSpec = {
  name: 'diagnose',
  usage: `${BIN} diagnose URL [--profile P] [--region R] [--service S] [--signing-host HOST] [-m SECONDS]`,
  summary:
    'Checks what a signed request to the endpoint at URL needs, one line per step: the endpoint,\n' +
    'the credentials, the clock, and a signed harmless request (GET /; GET /_cat/indices on\n' +
    'OpenSearch Serverless). For a refusal it says what AWS means and what to do.',
  flags: [
    {
      name: 'profile',
      value: 'P',
      description:
        'credentials (and, failing all else, the region) of profile P (default: AWS_PROFILE)',
    },
    REGION_FLAG,
    SERVICE_FLAG,
    {
      name: 'signing-host',
      value: 'HOST',
      description: 'sign for HOST instead of the URL host (a tunnel to a domain)',
    },
    {
      name: 'max-time',
      short: 'm',
      value: 'SECONDS',
      description: `give up on the request after SECONDS (default ${DEFAULT_MAX_TIME_S})`,
    },
  ],
  notes: [
    'Exit status: 0 when the endpoint answered 2xx; 1 when it refused or did not answer;',
    '2 when a step before the request failed (usage, endpoint, credentials).',
  ],
}

export async function runDiagnose(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(DIAGNOSE_COMMAND, argv)
  if (booleanValue(args, 'help')) {
    io.stdout(formatHelp(DIAGNOSE_COMMAND))
    return EXIT_OK
  }
  if (args.positionals.length !== 1) {
    throw usageError(DIAGNOSE_COMMAND, 'give the endpoint URL to diagnose')
  }
  const url = parseTargetUrl(args.positionals[0])
  if (isProblem(url)) throw usageError(DIAGNOSE_COMMAND, url.problem)
  const timeoutMs = maxTimeMs(DIAGNOSE_COMMAND, args)
  const print = (step: Step): void => io.stdout(formatStep(step))

  const profile = stringValue(args, 'profile')
  const region = stringValue(args, 'region')
  let target: Target
  try {
    target = resolveTarget({
      origin: url.origin,
      region,
      service: stringValue(args, 'service'),
      signingHost: stringValue(args, 'signing-host'),
      env: io.env,
      profileRegion: await regionOfProfile(region, profile, io.env),
    })
  } catch (err) {
    if (!(err instanceof AwsSigV4ConfigurationError)) throw err
    print({ mark: 'fail', label: 'Endpoint', text: url.origin.host, advice: [err.message] })
    return EXIT_USAGE
  }
  const signedRegion = target.context.target.region
  print(
    endpointStep(
      target.context.target,
      io.env,
      unknownRegionText(signedRegion, await checkRegion(signedRegion)),
      target.regionFrom,
    ),
  )

  let loaded: CliCredentials
  try {
    loaded = await loadCredentials({
      profile,
      env: io.env,
      note: (line) => io.stderr(`${BIN}: ${line}\n`),
    })
  } catch (err) {
    print({ mark: 'fail', label: 'Credentials', text: 'none found', advice: [oneLine(err)] })
    return EXIT_USAGE
  }
  const credentials = credentialsStep(loaded.credentials, loaded.source, new Date())
  print(credentials)
  if (credentials.mark === 'fail') return EXIT_USAGE

  // A URL with a path (a proxy's prefix) keeps it: the probe goes under it.
  const prefix = url.path.replace(/\/+$/, '')
  const path =
    prefix +
    (serviceFor(target.context.target.service).clusterInfo ? PROBE_PATH : SERVERLESS_PROBE_PATH)
  const first = await probe(target, loaded, path, 0, timeoutMs)
  if ('error' in first) {
    print({ mark: 'warn', label: 'Clock', text: 'no answer to compare with' })
    print({
      mark: 'fail',
      label: 'Request',
      text: `GET ${path} → no answer`,
      advice: [unreachableMessage(first.error, target.context)],
    })
    return EXIT_FAILED
  }
  print(clockStep(first.offsetMs))
  const context = probeContext(target, loaded, path, first, profile, io)
  const reading = interpretAnswer(first.answer, context)
  print(reading.step)

  if (!reading.ok && looksSkewed(reading, first.offsetMs) && first.offsetMs !== undefined) {
    // As the connection does: sign again with the endpoint's time, to show what comes next.
    const again = await probe(target, loaded, path, first.offsetMs, timeoutMs)
    if (!('error' in again)) {
      const next = interpretAnswer(
        again.answer,
        probeContext(target, loaded, path, again, profile, io),
      )
      print({
        ...next.step,
        label: 'Re-signed',
        text: `with the endpoint's time: ${next.step.text}`,
      })
    }
  }
  return reading.ok ? EXIT_OK : EXIT_FAILED
}

interface Probed {
  answer: { status: number; headers: Record<string, string | string[] | undefined>; text: string }
  signed: SignedTransportRequest
  offsetMs?: number
}

/** One signed `GET path`, dated `offsetMs` after the machine clock. */
async function probe(
  target: Target,
  loaded: CliCredentials,
  path: string,
  offsetMs: number,
  timeoutMs: number,
): Promise<Probed | { error: unknown }> {
  const signer = signerFor(loaded.credentials, () => new Date(Date.now() + offsetMs))
  const signed = await signer.sign({ method: 'GET', path, querystring: '' }, target.context)
  const sentAt = Date.now()
  try {
    const answer = await send(signed, target, timeoutMs)
    const receivedAt = Date.now()
    return {
      signed,
      answer: {
        status: answer.status,
        headers: answer.headers,
        // What AWS quotes back (its expected canonical request) carries the session token.
        text: withoutEchoedSecrets(answer.body.toString('utf8'), signed),
      },
      offsetMs: clockOffset(headerOf(answer.headers, 'date'), sentAt, receivedAt),
    }
  } catch (error) {
    return { error }
  }
}

function probeContext(
  target: Target,
  loaded: CliCredentials,
  path: string,
  probed: Probed,
  profile: string | undefined,
  io: CliIo,
): ProbeContext {
  return {
    method: 'GET',
    path,
    target: target.context.target,
    refusals: target.context.refusals,
    key: shortKeyId(loaded.credentials.accessKeyId),
    hasSessionToken: Boolean(loaded.credentials.sessionToken),
    source: loaded.source,
    ...(loaded.source.startsWith('profile') ? { profile: profileName(profile, io.env) } : {}),
    ours: probed.signed.describe(),
    ...(probed.offsetMs === undefined ? {} : { clockOffsetMs: probed.offsetMs }),
  }
}

/** A refusal the clock explains: AWS said so, or Serverless refused with the clock far off. */
function looksSkewed(reading: Interpretation, offsetMs: number | undefined): boolean {
  if (reading.refusal?.kind === 'clock-skew') return true
  return (
    reading.refusal?.kind === 'serverless-denied' &&
    offsetMs !== undefined &&
    Math.abs(offsetMs) > CLOCK_LIMIT_MS
  )
}
