import { expect } from 'chai'
import { classifyAwsRejection } from '../../lib/aws/rejections'

const r403 = (message: string): { statusCode: number; body: string } => ({
  statusCode: 403,
  body: JSON.stringify({ message }),
})

describe('aws-rejection: recognising recoverable 403s', () => {
  it('recognises expired and invalid security tokens', () => {
    expect(
      classifyAwsRejection(r403('The security token included in the request is expired'))?.kind,
    ).to.equal('credentials-rejected')
    expect(
      classifyAwsRejection(r403('The security token included in the request is invalid.'))?.kind,
    ).to.equal('credentials-rejected')
  })

  it('recognises clock skew in both directions', () => {
    const behind =
      'Signature expired: 20260101T120000Z is now earlier than 20260101T121000Z (20260101T121500Z - 5 min.)'
    const ahead =
      'Signature not yet current: 20260101T123000Z is still later than 20260101T122000Z (20260101T121500Z + 5 min.)'
    expect(classifyAwsRejection(r403(behind))?.kind).to.equal('clock-skew')
    expect(classifyAwsRejection(r403(ahead))?.kind).to.equal('clock-skew')
  })

  it('recognises a signature mismatch, also from a Buffer body', () => {
    const body = Buffer.from(
      JSON.stringify({
        message: 'The request signature we calculated does not match the signature you provided.',
      }),
    )
    expect(classifyAwsRejection({ statusCode: 403, body })?.kind).to.equal('signature-mismatch')
  })

  it('ignores other statuses and other 403s', () => {
    expect(
      classifyAwsRejection({
        statusCode: 400,
        body: '{"message":"The security token included in the request is expired"}',
      }),
    ).to.equal(undefined)
    expect(
      classifyAwsRejection(
        r403('User: arn:aws:iam::1:user/x is not authorized to perform: es:ESHttpPost'),
      ),
    ).to.equal(undefined)
    expect(classifyAwsRejection({ statusCode: 403, body: undefined })).to.equal(undefined)
  })

  it("reads every refusal style; Serverless's bare 403 is an unexplained rejection", () => {
    const expired = r403('The security token included in the request is expired')
    for (const style of ['es', 'aoss', 'lattice', 'generic'] as const) {
      expect(classifyAwsRejection(expired, style)?.kind, style).to.equal('credentials-rejected')
    }
    const serverless = {
      statusCode: 403,
      body: '{"status":403,"request-id":"x","error":{"reason":"403 Forbidden","type":"Forbidden"}}',
    }
    expect(classifyAwsRejection(serverless, 'aoss')).to.deep.include({
      kind: 'unexplained',
      json: JSON.parse(serverless.body) as unknown,
    })
    // The older body without request-id, as public reports show it.
    const older = {
      statusCode: 403,
      body: '{"status":403,"error":{"reason":"403 Forbidden","type":"Forbidden"}}',
    }
    expect(classifyAwsRejection(older, 'aoss')?.kind).to.equal('unexplained')
    // Only Serverless answers so; elsewhere, and for other errors, it is no SigV4 rejection.
    expect(classifyAwsRejection(serverless, 'es')).to.equal(undefined)
    expect(classifyAwsRejection({ ...serverless, statusCode: 401 }, 'aoss')).to.equal(undefined)
    const fgac = {
      statusCode: 403,
      body: '{"error":{"type":"security_exception","reason":"no permissions"},"status":403}',
    }
    expect(classifyAwsRejection(fgac, 'aoss')).to.equal(undefined)
  })

  it('hands on the parsed body, and takes `Message` or the raw text when there is no `message`', () => {
    const rejection = classifyAwsRejection(r403('Signature expired: a is now earlier than b'))
    expect(rejection?.json).to.deep.equal({ message: 'Signature expired: a is now earlier than b' })
    const unsigned = { statusCode: 403, body: '{"Message":"Signature expired: x"}' }
    expect(classifyAwsRejection(unsigned)?.message).to.equal('Signature expired: x')
    const text = { statusCode: 403, body: 'Signature not yet current: y' }
    expect(classifyAwsRejection(text)).to.deep.equal({
      kind: 'clock-skew',
      message: 'Signature not yet current: y',
    })
  })
})

describe('aws-rejection: VPC Lattice refusal style (plain text after the error class)', () => {
  const plain = (body: string): { statusCode: number; body: string } => ({ statusCode: 403, body })

  it('reads the message after the class', () => {
    const expired = plain(
      'ExpiredTokenException: The security token included in the request is expired',
    )
    expect(classifyAwsRejection(expired, 'lattice')).to.deep.equal({
      kind: 'credentials-rejected',
      message: 'The security token included in the request is expired',
    })
    const skew = plain('InvalidSignatureException: Signature expired: a is now earlier than b')
    expect(classifyAwsRejection(skew, 'lattice')?.kind).to.equal('clock-skew')
    // Anchored texts are not recognised with the class in front, in any other style.
    expect(classifyAwsRejection(skew, 'generic')).to.equal(undefined)
  })

  it("leaves Lattice's policy denials and malformed-signature refusals unrecognised", () => {
    for (const body of [
      'AccessDeniedException: User: anonymous is not authorized to perform: vpc-lattice-svcs:Invoke on resource: arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-0e5f3d2b3db4c7962/ because no network-based policy allows the vpc-lattice-svcs:Invoke action',
      "IncompleteSignatureException: Missing the 'x-amz-content-sha256' in canonical headers.",
    ]) {
      expect(classifyAwsRejection(plain(body), 'lattice'), body).to.equal(undefined)
    }
  })
})
