import { expect } from 'chai'
import { withoutRequestSecrets } from '../../lib/testing/redaction'

describe('emulator redaction: what a verdict may show', () => {
  const TOKEN = 'FwoGZXIvYXdzEXAMPLE//token+/='

  it("replaces a canonical request's token line, keeping every other line", () => {
    const canonical = [
      'GET',
      '/',
      '',
      'host:localhost',
      'x-amz-date:20260101T000000Z',
      `x-amz-security-token:${TOKEN}`,
      '',
      'host;x-amz-date;x-amz-security-token',
      'e3b0',
    ].join('\n')
    expect(withoutRequestSecrets(canonical)).to.equal(
      canonical.replace(TOKEN, '<redacted session token>'),
    )
  })

  it("replaces the token inside AWS's quoted canonical string too", () => {
    const message = `…should have been\n'GET\n/\n\nX-Amz-Security-Token:${TOKEN}\nx-amz-date:1'`
    expect(withoutRequestSecrets(message)).not.to.include(TOKEN)
  })

  it("replaces an Authorization's signature and secret query values", () => {
    const sig = 'ab'.repeat(32)
    expect(
      withoutRequestSecrets(`Authorization=AWS4-HMAC-SHA256 Credential=A/x, Signature=${sig}`),
    ).to.equal('Authorization=AWS4-HMAC-SHA256 Credential=A/x, Signature=<redacted signature>')
    expect(
      withoutRequestSecrets(`a=1&X-Amz-Signature=${sig}&x-amz-security-token=t%2F1&b=2`),
    ).to.equal('a=1&X-Amz-Signature=<redacted>&x-amz-security-token=<redacted>&b=2')
  })

  it('leaves text without secrets alone', () => {
    const text = 'GET\n/idx/_search\nq=x-amz-date\nhost:h\n\nhost\nUNSIGNED-PAYLOAD'
    expect(withoutRequestSecrets(text)).to.equal(text)
  })
})
