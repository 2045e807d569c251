import { expect } from 'chai'
import { redactToken } from '../../lib/sigv4/redact-token'
import { signNow } from '../../lib/sigv4/sign'

describe('redact-token: the session token in a description', () => {
  it('replaces every occurrence of the token, and leaves text without one alone', () => {
    const credentials = { accessKeyId: 'AKID', secretAccessKey: 's', sessionToken: 'T0K/EN=' }
    expect(redactToken('a:T0K/EN=\nb:T0K/EN=', credentials)).to.equal(
      'a:<redacted session token>\nb:<redacted session token>',
    )
    expect(redactToken('nothing here', credentials)).to.equal('nothing here')
  })

  it('changes nothing without a token (or with an empty one)', () => {
    for (const sessionToken of [undefined, '']) {
      expect(
        redactToken('x-amz-date:1\n', { accessKeyId: 'A', secretAccessKey: 's', sessionToken }),
      ).to.equal('x-amz-date:1\n')
    }
  })
})

describe('redact-token: tokens with whitespace, as signed', () => {
  it('redacts the folded form the canonical request holds, and keeps its line breaks', () => {
    const credentials = { accessKeyId: 'A', secretAccessKey: 's', sessionToken: ' T0K \t EN\n' }
    const canonical = 'x-amz-security-token:T0K EN\n\nhost;x-amz-security-token'
    expect(redactToken(canonical, credentials)).to.equal(
      'x-amz-security-token:<redacted session token>\n\nhost;x-amz-security-token',
    )
  })

  it('redacts the raw form too, where it still appears', () => {
    const credentials = { accessKeyId: 'A', secretAccessKey: 's', sessionToken: 'a  b' }
    expect(redactToken('x:a b\ny:a  b', credentials)).to.equal(
      'x:<redacted session token>\ny:<redacted session token>',
    )
  })
})

describe('redact-token: a short token cuts into nothing else', () => {
  it('the header line loses its value; the header names keep theirs', () => {
    const signature = signNow(
      {
        method: 'GET',
        host: 'localhost:9200',
        path: '/',
        query: '',
        headers: {},
        payloadHash: 'UNSIGNED-PAYLOAD',
      },
      {
        credentials: { accessKeyId: 'AKID', secretAccessKey: 's', sessionToken: 'tok' },
        region: 'eu-west-1',
        service: 'es',
        signingDate: new Date('2026-01-01T00:00:00Z'),
      },
    )
    const lines = signature.describe().canonicalRequest.split('\n')
    expect(lines).to.include('x-amz-security-token:<redacted session token>')
    expect(lines).to.include('host;x-amz-content-sha256;x-amz-date;x-amz-security-token')
    expect(lines.join('\n')).not.to.include('security-<redacted')
  })
})
