import { expect } from 'chai'
import { classifyAwsRejection } from '../lib/aws-rejection'

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
})
