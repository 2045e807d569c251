import { expect } from 'chai'
import { resolveSigningTarget } from '../../lib/aws/endpoint'
import { clockOffset, clockStep, credentialsStep, endpointStep } from '../../lib/cli/steps'

const target = (host: string, env: Record<string, string> = {}) =>
  resolveSigningTarget({ url: new URL(`https://${host}/`), env })

describe('cli steps: endpoint, credentials, clock', () => {
  it('the endpoint: its kind from the host, and where region and service came from', () => {
    expect(endpointStep(target('search-logs-abc.eu-west-1.es.amazonaws.com'), {}).text).to.equal(
      'Amazon OpenSearch Service domain · region eu-west-1 (from the host) · service es (from the host)',
    )
    expect(endpointStep(target('vpc-logs-abc.eu-west-1.es.amazonaws.com'), {}).text).to.match(
      /^Amazon OpenSearch Service VPC domain · /,
    )
    expect(endpointStep(target('abc123.eu-west-1.aoss.amazonaws.com'), {}).text).to.equal(
      'OpenSearch Serverless collection · region eu-west-1 (from the host) · service aoss (from the host)',
    )
    expect(
      endpointStep(target('orders-0a1b2c3d4e5f60789.7d67968.vpc-lattice-svcs.eu-west-1.on.aws'), {})
        .text,
    ).to.equal(
      'VPC Lattice service · region eu-west-1 (from the host) · service vpc-lattice-svcs (from the host)',
    )
    expect(
      endpointStep(target('a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com'), {}).text,
    ).to.match(/^API Gateway API · region eu-west-1 \(from the host\) · service execute-api/)
    expect(
      endpointStep(target('logs.example.com', { AWS_REGION: 'eu-west-1' }), {
        AWS_REGION: 'eu-west-1',
      }).text,
    ).to.equal(
      'not an AWS endpoint host (custom domain, proxy or tunnel) · region eu-west-1 (from AWS_REGION) · service es (the default)',
    )
  })

  it('the credentials: source, short key, token, expiry; ✗ for a temporary key without token', () => {
    const now = new Date('2026-12-01T20:42:00Z')
    const expiration = new Date('2026-12-01T21:40:00Z')
    expect(
      credentialsStep(
        {
          accessKeyId: 'ASIA1234567890AB7Q2M',
          secretAccessKey: 's',
          sessionToken: 't',
          expiration,
        },
        'profile "dev" (SSO)',
        now,
      ),
    ).to.deep.equal({
      mark: 'ok',
      label: 'Credentials',
      text: 'profile "dev" (SSO) · key ASIA…7Q2M · with session token · expires in 58 min (21:40 UTC)',
    })
    const noToken = credentialsStep(
      { accessKeyId: 'ASIA1234567890AB7Q2M', secretAccessKey: 's' },
      'environment (AWS_ACCESS_KEY_ID)',
      now,
    )
    expect(noToken.mark).to.equal('fail')
    expect(noToken.advice?.[0]).to.match(/AWS_SESSION_TOKEN/)
  })

  it("the clock offset: the endpoint's Date (its middle second) against the exchange's middle", () => {
    const sent = Date.parse('2026-12-01T20:00:00.000Z')
    expect(clockOffset('Tue, 01 Dec 2026 20:15:00 GMT', sent, sent + 200)).to.equal(
      15 * 60_000 + 400,
    )
    expect(clockOffset(undefined, sent, sent)).to.equal(undefined)
    expect(clockOffset('not a date', sent, sent)).to.equal(undefined)
  })

  it('the clock step: ✓ within a minute, ! up to AWS’s 5 min, ✗ beyond; which way it is off', () => {
    expect(clockStep(400)).to.deep.equal({
      mark: 'ok',
      label: 'Clock',
      text: "within 1 s of the endpoint's clock",
    })
    expect(clockStep(-42_000).text).to.equal("within 42 s of the endpoint's clock")
    const warn = clockStep(-3 * 60_000)
    expect(warn.mark).to.equal('warn')
    expect(warn.text).to.equal(
      'machine clock is 3 min ahead of the endpoint; AWS refuses requests beyond 5 min',
    )
    const fail = clockStep(15 * 60_000 + 2000)
    expect(fail.mark).to.equal('fail')
    expect(fail.text).to.equal('machine clock is 15 min 2 s behind the endpoint (AWS allows 5 min)')
    expect(fail.advice?.[0]).to.match(/^sync the clock/)
    expect(clockStep(undefined).mark).to.equal('warn')
  })
})
