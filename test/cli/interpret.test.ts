import { expect } from 'chai'
import { resolveSigningTarget } from '../../lib/aws/endpoint'
import {
  describeEngine,
  interpretAnswer,
  policyPrincipal,
  principalLabel,
  resourceArn,
  type ProbeContext,
} from '../../lib/cli/interpret'
import type { AnswerText } from '../../lib/cli/refusals'

const DOMAIN = 'search-logs-abc123.eu-west-1.es.amazonaws.com'
const SESSION = 'arn:aws:sts::123456789012:assumed-role/ingest/i-0abc'

function context(host = DOMAIN, extra: Partial<ProbeContext> = {}): ProbeContext {
  const target = resolveSigningTarget({
    url: new URL(`https://${host}/`),
    env: { AWS_REGION: 'eu-west-1' },
  })
  return {
    method: 'GET',
    path: target.service === 'aoss' ? '/_cat/indices' : '/',
    target,
    refusals: target.service === 'aoss' ? 'aoss' : 'es',
    key: 'ASIA…7Q2M',
    source: 'profile "dev" (SSO)',
    profile: 'dev',
    hasSessionToken: true,
    ours: { canonicalRequest: 'GET\n/\n\nhost:h\n\nhost\nabc', stringToSign: 's' },
    ...extra,
  }
}

const answer = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): AnswerText => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  text: typeof body === 'string' ? body : JSON.stringify(body),
})

/** The advice and detail lines of an interpretation, joined. */
function said(a: AnswerText, ctx = context()): string {
  const { step } = interpretAnswer(a, ctx)
  return [step.text, ...(step.advice ?? []), ...(step.detail ?? [])].join('\n')
}

describe('cli interpret: what the answer means', () => {
  it('2xx: the engine and its version, or the collection and its indices', () => {
    const os = interpretAnswer(
      answer(200, { version: { distribution: 'opensearch', number: '2.11.0' } }),
      context(),
    )
    expect(os.ok).to.equal(true)
    expect(os.step).to.deep.equal({
      mark: 'ok',
      label: 'Request',
      text: 'GET / → 200 · OpenSearch 2.11.0',
    })
    expect(
      describeEngine(
        answer(200, { version: { number: '7.10.2', build_flavor: 'oss' } }),
        context(),
      ),
    ).to.equal('Elasticsearch 7.10.2')
    const cat = {
      status: 200,
      headers: {},
      text: 'green open a x 1 1 0 0 1b 1b\ngreen open b y 1 1 0 0 1b 1b\n',
    }
    expect(describeEngine(cat, context('abc123.eu-west-1.aoss.amazonaws.com'))).to.equal(
      'OpenSearch Serverless collection, 2 indices (Serverless has no version API)',
    )
    expect(
      describeEngine(
        { status: 200, headers: {}, text: '' },
        context('abc123.eu-west-1.aoss.amazonaws.com'),
      ),
    ).to.match(/, 0 indices/)
    expect(
      describeEngine(
        { status: 200, headers: { 'content-type': 'text/html; charset=x' }, text: '<html>' },
        context(),
      ),
    ).to.equal('the endpoint answered (text/html)')
  })

  it('token invalid or expired: the key, its source, and how to refresh', () => {
    expect(
      said(answer(403, { message: 'The security token included in the request is invalid.' })),
    ).to.include(
      'AWS does not know key ASIA…7Q2M (profile "dev" (SSO)): a wrong or deleted key, or a session token that is missing or belongs to another key',
    )
    expect(
      said(answer(403, { message: 'The security token included in the request is expired' })),
    ).to.include(
      'the credentials (profile "dev" (SSO)) have expired: run aws sso login --profile dev',
    )
  })

  it('an IAM denial: the action and whom to allow it for, on the domain ARN', () => {
    const message = (type: string) =>
      answer(403, {
        Message: `User: ${SESSION} is not authorized to perform: es:ESHttpGet because no ${type} policy allows the es:ESHttpGet action`,
      })
    expect(said(message('identity-based'))).to.include(
      `allow es:ESHttpGet on arn:aws:es:eu-west-1:123456789012:domain/logs/* in an IAM policy attached to role ingest (${SESSION})`,
    )
    expect(said(message('resource-based'))).to.include(
      "add arn:aws:iam::123456789012:role/ingest to the domain's access policy, allowing es:ESHttpGet on arn:aws:es:eu-west-1:123456789012:domain/logs/*",
    )
    expect(
      said(answer(403, { Message: 'User: anonymous is not authorized to perform: es:ESHttpGet' })),
    ).to.include('the request reached the endpoint unsigned')
    expect(
      said(
        answer(403, {
          Message: `User: ${SESSION} is not authorized to perform: es:ESHttpGet with an explicit deny in a service control policy: arn:aws:organizations::1:policy/p`,
        }),
      ),
    ).to.include(
      'a Deny in the service control policy arn:aws:organizations::1:policy/p blocks es:ESHttpGet for role ingest',
    )
  })

  it('fine-grained access control: map the backend role, or the user, to a role', () => {
    const fgac = (backend: string) =>
      answer(403, {
        error: {
          type: 'security_exception',
          reason: `no permissions for [cluster:monitor/main] and User [name=arn:aws:iam::1:user/alice, backend_roles=[${backend}], requestedTenant=null]`,
        },
        status: 403,
      })
    expect(said(fgac('arn:aws:iam::1:role/ingest'))).to.include(
      'Map backend role arn:aws:iam::1:role/ingest to an OpenSearch role that grants cluster:monitor/main',
    )
    expect(said(fgac(''))).to.include('Map user arn:aws:iam::1:user/alice to an OpenSearch role')
  })

  it('Serverless: policies and what was checked here; the clock first when it is far off; 401 is the network policy', () => {
    const ctx = context('abc123.eu-west-1.aoss.amazonaws.com')
    const bare = answer(
      403,
      { status: 403, error: { reason: '403 Forbidden', type: 'Forbidden' } },
      { 'x-aoss-response-hint': 'X01:gw-helper-deny' },
    )
    const text = said(bare, ctx)
    expect(text).to.include(
      'a data access policy for collection abc123 granting aoss:DescribeIndex',
    )
    expect(text).to.include('signed for service aoss, with x-amz-content-sha256: ✓')
    expect(text).not.to.include('the clock first')
    expect(said(bare, { ...ctx, clockOffsetMs: 15 * 60_000 })).to.include(
      '· the clock first: the machine clock is 15 min behind the endpoint',
    )
    expect(said(bare, { ...ctx, target: { ...ctx.target, service: 'es' } })).to.include(
      'signed for service es, not aoss: pass --service aoss',
    )
    expect(
      said(
        { status: 401, headers: { 'x-aoss-response-hint': 'X01:network-policy-deny' }, text: '' },
        ctx,
      ),
    ).to.include('the network policy of collection abc123 does not allow this source')
  })

  it('a wrong region or service: the right ones', () => {
    const region = answer(403, {
      message: "Credential should be scoped to a valid region, not 'us-east-1'. ",
    })
    const optioned = context(DOMAIN)
    expect(
      said(region, {
        ...optioned,
        target: { ...optioned.target, region: 'us-east-1', regionSource: 'option' },
      }),
    ).to.include(
      'signed for us-east-1, but the host is in eu-west-1: drop --region, or pass --region eu-west-1',
    )
    expect(
      said(answer(403, { message: "Credential should be scoped to correct service: 'aoss'. " })),
    ).to.include("the endpoint expects service 'aoss', not 'es': pass --service aoss")
  })

  it('a clock skew refusal points at the Clock step when the offset is known', () => {
    const skew = answer(403, {
      message:
        'Signature expired: 20261201T200000Z is now earlier than 20261201T201000Z (20261201T201500Z - 5 min.)',
    })
    expect(said(skew, context(DOMAIN, { clockOffsetMs: 15 * 60_000 }))).to.include(
      'the clock above is the cause',
    )
    expect(said(skew)).to.include('the machine clock is more than 5 min off')
  })

  it('a mismatch without AWS saying what it expected: the likely causes, and what we signed', () => {
    const text = said(
      answer(403, {
        message: 'The request signature we calculated does not match the signature you provided.',
      }),
    )
    expect(text).to.include(
      'AWS does not say what it expected: most likely the secret key is not the one for key ASIA…7Q2M',
    )
    expect(text).to.include('we signed:\n  GET\n  /')
  })

  it('anything else: 404 means the signature passed; 5xx the endpoint; other 4xx the request', () => {
    const notFound = interpretAnswer(answer(404, ''), context('api.example.com'))
    expect(notFound.step.mark).to.equal('warn')
    expect(notFound.step.advice?.[0]).to.match(/^the signature was accepted/)
    expect(said(answer(503, 'down'))).to.include('the endpoint failed, not the signature')
    expect(said(answer(429, 'slow down'))).to.include('throttling')
    expect(said(answer(400, { error: { type: 'x', reason: 'y' } }))).to.include(
      'refused the request itself',
    )
  })

  it('principals as people and policies name them', () => {
    expect(principalLabel(SESSION)).to.equal(`role ingest (${SESSION})`)
    expect(principalLabel('arn:aws:iam::1:user/alice')).to.equal(
      'user alice (arn:aws:iam::1:user/alice)',
    )
    expect(
      principalLabel('arn:aws:iam::1:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_x_1'),
    ).to.match(/^role AWSReservedSSO_x_1 /)
    expect(policyPrincipal(SESSION)).to.equal('arn:aws:iam::123456789012:role/ingest')
    expect(policyPrincipal('arn:aws-cn:sts::1:assumed-role/r/s')).to.equal(
      'arn:aws-cn:iam::1:role/r',
    )
    expect(resourceArn(context().target, SESSION)).to.equal(
      'arn:aws:es:eu-west-1:123456789012:domain/logs/*',
    )
    expect(resourceArn(context('logs.example.com').target, SESSION)).to.equal(undefined)
    expect(resourceArn(context().target, 'anonymous')).to.equal(undefined)
  })
})
