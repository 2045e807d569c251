/**
 * `elasticsearch-aws-sigv4 request`: one request, signed as the connection signs it, sent once,
 * the response body printed as it arrived. curl's flags where curl has them.
 */
import { decodeBodyCapped, isDecodedTooLarge } from '../common/content-encoding'
import { withoutEchoedSecrets } from '../exchange/secret-views'
import type { SignedTransportRequest } from '../exchange/types'
import type { CommandSpec, ParsedArgs } from './args'
import {
  booleanValue,
  REGION_FLAG,
  SERVICE_FLAG,
  formatHelp,
  parseCommandArgs,
  maxTimeMs,
  stringValue,
  stringValues,
  usageError,
} from './args'
import { readBodySource } from './body'
import { BIN, DEFAULT_MAX_TIME_S, EXIT_FAILED, EXIT_OK, MAX_BODY_BYTES } from './constants'
import { loadCredentials, regionOfProfile, shortKeyId } from './credentials'
import type { BodySource, HeaderFlag, TargetUrl } from './curl'
import {
  bodySource,
  defaultContentType,
  isProblem,
  parseHeaderFlag,
  parseTargetUrl,
  requestHeaders,
  requestMethod,
  wireQuery,
} from './curl'
import type { CliIo } from './io'
import {
  describeTarget,
  includedHead,
  prettyBody,
  responseHeadBlock,
  signedRequestBlock,
} from './output'
import { answerSummary, headerOf, recognizeRefusal } from './refusals'
import type { Answer, Target } from './signing'
import { resolveTarget, send, signerFor } from './signing'
import { unreachableMessage } from './unreachable'
import { checkRegion, unknownRegionText } from './regions'

const REQUEST_COMMAND: CommandSpec = {
  name: 'request',
  usage:
    `${BIN} request [-X METHOD] URL [-d BODY | -d @FILE | -d @-]\n` +
    "         [-H 'Name: value']... [-i] [-I] [-v] [--dry-run] [--region R] [--service S]\n" +
    '         [--signing-host HOST] [--profile P] [--unsigned-payload] [--compressed]\n' +
    '         [-m SECONDS]',
  summary:
    'Sends one request signed with AWS SigV4, through the same signing code as the connection,\n' +
    'and prints the response body. The path and query are sent as typed (only what an HTTP\n' +
    'request line cannot carry is percent-encoded); the signature covers what goes on the wire.',
  flags: [
    {
      name: 'request',
      short: 'X',
      value: 'METHOD',
      description: 'HTTP method (default GET, or POST with -d)',
    },
    {
      name: 'data',
      short: 'd',
      value: 'BODY',
      multiple: true,
      description: 'body: the text, @FILE (its bytes as they are) or @- (stdin)',
    },
    { name: 'data-binary', value: 'BODY', multiple: true, description: 'the same as -d' },
    { name: 'data-raw', value: 'BODY', multiple: true, description: 'body text; @ means nothing' },
    {
      name: 'header',
      short: 'H',
      value: "'NAME: VALUE'",
      multiple: true,
      description: "add a header; 'Name:' removes one, 'Name;' sends it empty",
    },
    { name: 'include', short: 'i', description: 'print the status line and response headers' },
    {
      name: 'head',
      short: 'I',
      description: 'send HEAD and print the status line and headers only',
    },
    {
      name: 'verbose',
      short: 'v',
      description: 'print the canonical request, string to sign, signed headers (stderr)',
    },
    { name: 'dry-run', description: 'print what -v prints (to stdout) and send nothing' },
    REGION_FLAG,
    SERVICE_FLAG,
    {
      name: 'signing-host',
      value: 'HOST',
      description: 'sign for HOST instead of the URL host (a tunnel to a domain)',
    },
    {
      name: 'profile',
      value: 'P',
      description:
        'credentials (and, failing all else, the region) of profile P (default: AWS_PROFILE)',
    },
    {
      name: 'unsigned-payload',
      description: 'send x-amz-content-sha256: UNSIGNED-PAYLOAD (VPC Lattice)',
    },
    { name: 'compressed', description: 'ask for a compressed response, and decompress it' },
    {
      name: 'max-time',
      short: 'm',
      value: 'SECONDS',
      description: `give up after SECONDS (default ${DEFAULT_MAX_TIME_S})`,
    },
    { name: 'silent', short: 's', description: 'accepted for curl habits (no progress meter)' },
  ],
  notes: [
    'A body is sent as application/json, or application/x-ndjson to _bulk, _msearch and the',
    "other NDJSON APIs, unless -H 'Content-Type: …' says otherwise (it is sent as given).",
    'Secrets are never printed: the session token and the signature show as <redacted …>.',
    "Exit status: 0 for a response below 400; 1 for 400 or more (AWS's message on stderr), or",
    'no response; 2 for a usage or configuration error.',
  ],
}

/** What the flags ask for, checked. */
interface RequestPlan {
  url: TargetUrl
  method: string
  body?: BodySource
  headers: HeaderFlag[]
  include: boolean
  /** `-I`: print the head only. */
  headOnly: boolean
  verbose: boolean
  dryRun: boolean
  compressed: boolean
  region?: string
  service?: string
  signingHost?: string
  profile?: string
  unsignedPayload: boolean
  timeoutMs: number
}

/** Reads and checks the flags; a mistake is a usage error naming the fix. */
function planRequest(args: ParsedArgs): RequestPlan {
  const fail = (problem: string): never => {
    throw usageError(REQUEST_COMMAND, problem)
  }
  if (args.positionals.length !== 1) {
    fail(
      args.positionals.length === 0
        ? 'give the URL to send to'
        : `give one URL, not ${args.positionals.length}`,
    )
  }
  const url = parseTargetUrl(args.positionals[0])
  if (isProblem(url)) return fail(url.problem)
  const bodies = [
    ...stringValues(args, 'data').map((value) => bodySource(value)),
    ...stringValues(args, 'data-binary').map((value) => bodySource(value)),
    ...stringValues(args, 'data-raw').map((value) => bodySource(value, true)),
  ]
  if (bodies.length > 1) {
    fail('give one body (-d): several are not joined with & as curl does, that is no JSON')
  }
  const headOnly = booleanValue(args, 'head')
  if (headOnly && bodies.length > 0) fail('-I sends HEAD, which carries no body: drop -d or -I')
  const explicitMethod = stringValue(args, 'request') ?? (headOnly ? 'HEAD' : undefined)
  const method = requestMethod(explicitMethod, bodies.length > 0)
  if (isProblem(method)) return fail(method.problem)
  const headers: HeaderFlag[] = []
  for (const text of stringValues(args, 'header')) {
    const header = parseHeaderFlag(text)
    if (isProblem(header)) return fail(header.problem)
    headers.push(header)
  }
  const timeoutMs = maxTimeMs(REQUEST_COMMAND, args)
  return {
    url,
    method,
    ...(bodies.length === 1 ? { body: bodies[0] } : {}),
    headers,
    include: booleanValue(args, 'include') || headOnly,
    headOnly,
    verbose: booleanValue(args, 'verbose'),
    dryRun: booleanValue(args, 'dry-run'),
    compressed: booleanValue(args, 'compressed'),
    region: stringValue(args, 'region'),
    service: stringValue(args, 'service'),
    signingHost: stringValue(args, 'signing-host'),
    profile: stringValue(args, 'profile'),
    unsignedPayload: booleanValue(args, 'unsigned-payload'),
    timeoutMs,
  }
}

/** The headers the request is sent with: content type for a body, encodings for --compressed. */
function headersFor(plan: RequestPlan): Record<string, string> {
  const defaults: Record<string, string> = {}
  if (plan.body !== undefined) defaults['content-type'] = defaultContentType(plan.url.path)
  if (plan.compressed) defaults['accept-encoding'] = 'gzip, deflate, br'
  return requestHeaders(defaults, plan.headers)
}

export async function runRequest(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(REQUEST_COMMAND, argv)
  if (booleanValue(args, 'help')) {
    io.stdout(formatHelp(REQUEST_COMMAND))
    return EXIT_OK
  }
  const plan = planRequest(args)
  const target = resolveTarget({
    origin: plan.url.origin,
    region: plan.region,
    service: plan.service,
    signingHost: plan.signingHost,
    unsignedPayload: plan.unsignedPayload,
    env: io.env,
    profileRegion: await regionOfProfile(plan.region, plan.profile, io.env),
  })
  const { region } = target.context.target
  const regionNote = unknownRegionText(region, await checkRegion(region))
  if (regionNote !== undefined) io.stderr(`${BIN}: note: ${regionNote} (signed for it as given)\n`)
  const { credentials, source } = await loadCredentials({
    profile: plan.profile,
    env: io.env,
    note: (line) => io.stderr(`${BIN}: ${line}\n`),
  })
  const body = plan.body === undefined ? undefined : await readBodySource(plan.body, io.stdin)
  // The headers go as given: a -H Content-Type is not adapted for Amazon's engines.
  const context = { ...target.context, plainMediaTypes: false }
  const signed = withWireQuery(
    await signerFor(credentials).sign(
      {
        method: plan.method,
        path: plan.url.path,
        querystring: plan.url.query,
        headers: headersFor(plan),
        body,
      },
      context,
    ),
    wireQuery(plan.url.query),
  )

  if (plan.verbose || plan.dryRun) {
    const block = signedBlock(
      signed,
      target,
      io,
      `${source}, key ${shortKeyId(credentials.accessKeyId)}`,
    )
    if (plan.dryRun) {
      io.stdout(block)
      return EXIT_OK
    }
    io.stderr(block)
  }

  let answer: Answer
  try {
    answer = await send(signed, target, plan.timeoutMs)
  } catch (err) {
    io.stderr(`${BIN}: ${unreachableMessage(err, target.context)}\n`)
    return EXIT_FAILED
  }
  if (plan.verbose) io.stderr(responseHeadBlock(answer.status, answer.headers))
  if (plan.include) io.stdout(includedHead(answer.status, answer.headers))

  const bytes = await printable(answer, signed, plan.compressed, io)
  if (!plan.headOnly) {
    io.stdout(io.stdoutIsTTY ? prettyBody(bytes, headerOf(answer.headers, 'content-type')) : bytes)
  }
  if (answer.cut) {
    io.stderr(
      `${BIN}: the body went on past ${MAX_BODY_BYTES} bytes; cut there, not read further\n`,
    )
    return EXIT_FAILED
  }

  if (answer.status < 400) return EXIT_OK
  const text = bytes.toString('utf8')
  const summary = answerSummary({ ...answer, text })
  const refusal = recognizeRefusal({ ...answer, text }, target.context.refusals)
  const noToken =
    refusal?.kind === 'credentials-rejected' && !refusal.expired && !credentials.sessionToken
      ? ': no session token was sent, and temporary credentials (STS, SSO, an assumed role) ' +
        'need theirs: set AWS_SESSION_TOKEN too'
      : ''
  const why =
    answer.status === 403 || answer.status === 401 ? ` (${diagnoseCommand(plan)} says why)` : ''
  io.stderr(`${BIN}: ${answer.status} ${summary}${noToken}${why}\n`)
  return EXIT_FAILED
}

/** The `diagnose` command line for the same endpoint, with the flags that change what it checks. */
function diagnoseCommand(plan: RequestPlan): string {
  const words = [BIN, 'diagnose', plan.url.origin.origin]
  const flags: Array<[string, string | undefined]> = [
    ['--profile', plan.profile],
    ['--region', plan.region],
    ['--service', plan.service],
    ['--signing-host', plan.signingHost],
  ]
  for (const [flag, value] of flags) if (value !== undefined) words.push(flag, shellWord(value))
  return words.join(' ')
}

/** A word as a POSIX shell reads it back: as it is when it is safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_.,:/@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

/**
 * The signed request with the query as typed on the wire, in its order: AWS and the emulator
 * rebuild the canonical query from what arrives, so any order and `?v` (read as `v=`) verify.
 */
function withWireQuery(signed: SignedTransportRequest, query: string): SignedTransportRequest {
  const params = Object.assign(
    Object.create(
      Object.getPrototypeOf(signed.params) as object,
    ) as SignedTransportRequest['params'],
    signed.params,
    { querystring: query },
  )
  return { ...signed, params }
}

/**
 * The body to print: decompressed with --compressed (by zlib in chunks, off the main thread, to
 * at most MAX_BODY_BYTES), and secrets AWS quoted back replaced.
 */
async function printable(
  answer: Answer,
  signed: SignedTransportRequest,
  compressed: boolean,
  io: CliIo,
): Promise<Buffer> {
  let body = answer.body
  const encoding = headerOf(answer.headers, 'content-encoding')
  if (compressed && encoding !== undefined && !answer.cut) {
    try {
      body = await decodeBodyCapped(body, encoding, MAX_BODY_BYTES)
    } catch (err) {
      const why = isDecodedTooLarge(err)
        ? `decompresses to more than ${MAX_BODY_BYTES} bytes`
        : `is not valid ${encoding}`
      io.stderr(`${BIN}: the body ${why}; printed as it arrived\n`)
    }
  }
  // Whatever the status: a server or proxy may quote the request back in any answer.
  const text = body.toString('utf8')
  const redacted = withoutEchoedSecrets(text, signed)
  return redacted === text ? body : Buffer.from(redacted, 'utf8')
}

function signedBlock(
  signed: SignedTransportRequest,
  target: Target,
  io: CliIo,
  credentials: string,
): string {
  const { params } = signed
  return signedRequestBlock(
    {
      method: params.method,
      target: params.querystring === '' ? params.path : `${params.path}?${params.querystring}`,
      headers: params.headers,
      description: signed.describe(),
    },
    [
      describeTarget(target.context.target, io.env, target.regionFrom),
      `credentials: ${credentials}`,
    ],
  )
}
