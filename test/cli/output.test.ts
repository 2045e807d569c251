import { expect } from 'chai'
import type { SigningTarget } from '../../lib/aws/endpoint'
import {
  describeTarget,
  headerLines,
  includedHead,
  prettyBody,
  responseHeadBlock,
  shownAuthorization,
  shownHeaders,
  signedRequestBlock,
  statusLine,
} from '../../lib/cli/output'

const SIGNATURE = 'a'.repeat(64)
const AUTHORIZATION = `AWS4-HMAC-SHA256 Credential=ASIA1234567890WXYZ/20261201/eu-west-1/es/aws4_request, SignedHeaders=host;x-amz-date, Signature=${SIGNATURE}`

describe('cli output', () => {
  it('status lines with the reason phrase', () => {
    expect(statusLine(200)).to.equal('HTTP/1.1 200 OK')
    expect(statusLine(404)).to.equal('HTTP/1.1 404 Not Found')
    expect(statusLine(599)).to.equal('HTTP/1.1 599')
  })

  it('header lines: one per value, numbers as they are, undefined left out', () => {
    expect(headerLines({ a: '1', 'set-cookie': ['x', 'y'], n: 3, gone: undefined })).to.deep.equal([
      'a: 1',
      'set-cookie: x',
      'set-cookie: y',
      'n: 3',
    ])
  })

  it('the Authorization header shown: key id shortened, signature redacted', () => {
    expect(shownAuthorization(AUTHORIZATION)).to.equal(
      'AWS4-HMAC-SHA256 Credential=ASIA…WXYZ/20261201/eu-west-1/es/aws4_request, SignedHeaders=host;x-amz-date, Signature=<redacted signature>',
    )
  })

  it('signed headers shown: token and signature redacted, anything else as sent', () => {
    const shown = shownHeaders({
      host: 'h',
      authorization: AUTHORIZATION,
      'X-Amz-Security-Token': 'the-token',
      'content-length': 12,
    })
    expect(shown).to.deep.equal({
      host: 'h',
      authorization: shownAuthorization(AUTHORIZATION),
      'X-Amz-Security-Token': '<redacted session token>',
      'content-length': '12',
    })
  })

  it('where region and service came from', () => {
    const target = (
      regionSource: SigningTarget['regionSource'],
      serviceSource: SigningTarget['serviceSource'],
    ): SigningTarget => ({
      region: 'eu-west-1',
      service: 'es',
      host: 'h',
      regionSource,
      serviceSource,
    })
    expect(describeTarget(target('endpoint', 'endpoint'), {})).to.equal(
      'region eu-west-1 (from the host) · service es (from the host)',
    )
    expect(describeTarget(target('option', 'option'), {})).to.equal(
      'region eu-west-1 (from --region) · service es (from --service)',
    )
    expect(describeTarget(target('environment', 'default'), { AWS_REGION: 'eu-west-1' })).to.equal(
      'region eu-west-1 (from AWS_REGION) · service es (the default)',
    )
    expect(
      describeTarget(target('environment', 'default'), { AWS_DEFAULT_REGION: 'eu-west-1' }),
    ).to.include('from AWS_DEFAULT_REGION')
  })

  it('the signed request block: canonical request, string to sign, request line and headers, redacted', () => {
    const block = signedRequestBlock(
      {
        method: 'GET',
        target: '/idx/_search?q=a%3Ab',
        headers: { host: 'h', authorization: AUTHORIZATION, 'x-amz-security-token': 'the-token' },
        description: {
          canonicalRequest:
            'GET\n/idx/_search\nq=a%3Ab\nhost:h\nx-amz-security-token:<redacted session token>\n\nhost;x-amz-security-token\nHASH',
          stringToSign: 'AWS4-HMAC-SHA256\n20261201T000000Z\nSCOPE\nHASH2',
        },
      },
      ['region eu-west-1'],
    )
    expect(block).to.equal(
      [
        '* region eu-west-1',
        '--- canonical request ---',
        'GET\n/idx/_search\nq=a%3Ab\nhost:h\nx-amz-security-token:<redacted session token>\n\nhost;x-amz-security-token\nHASH',
        '--- string to sign ---',
        'AWS4-HMAC-SHA256\n20261201T000000Z\nSCOPE\nHASH2',
        '--- signed request ---',
        '> GET /idx/_search?q=a%3Ab HTTP/1.1',
        '> host: h',
        `> authorization: ${shownAuthorization(AUTHORIZATION)}`,
        '> x-amz-security-token: <redacted session token>',
        '',
      ].join('\n'),
    )
    expect(block).not.to.include('the-token')
    expect(block).not.to.include(SIGNATURE)
  })

  it('-v response head and -i head', () => {
    expect(responseHeadBlock(404, { 'content-type': 'application/json' })).to.equal(
      '< HTTP/1.1 404 Not Found\n< content-type: application/json\n',
    )
    expect(includedHead(200, { a: 'b' })).to.equal('HTTP/1.1 200 OK\na: b\n\n')
  })

  it('pretty-prints JSON for a terminal; anything else, or broken JSON, as it is', () => {
    expect(prettyBody(Buffer.from('{"a":[1]}'), 'application/json; charset=UTF-8')).to.equal(
      '{\n  "a": [\n    1\n  ]\n}\n',
    )
    const broken = Buffer.from('{"a":')
    expect(prettyBody(broken, 'application/json')).to.equal(broken)
    const text = Buffer.from('green open idx\n')
    expect(prettyBody(text, 'text/plain')).to.equal(text)
    expect(prettyBody(Buffer.alloc(0), 'application/json')).to.deep.equal(Buffer.alloc(0))
  })
})
