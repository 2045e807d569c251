import { expect } from 'chai'
import { validateCredentialsOption } from '../../lib/credentials/option'
import type { AwsCredentialIdentity } from '../../lib/credentials/option'
import { AwsSigV4ConfigurationError } from '../../lib/errors'

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY'
const TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN'

function creds(id: string, expiration?: Date): AwsCredentialIdentity {
  return { accessKeyId: id, secretAccessKey: `${SECRET}-${id}`, sessionToken: TOKEN, expiration }
}

describe('validateCredentialsOption', () => {
  it('returns a valid static object and a function unchanged', () => {
    const value = creds('AKID1', new Date())
    expect(validateCredentialsOption(value)).to.equal(value)
    const fn = async () => creds('AKID2')
    expect(validateCredentialsOption(fn)).to.equal(fn)
    expect(validateCredentialsOption({ accessKeyId: 'a', secretAccessKey: 'b' })).to.deep.equal({
      accessKeyId: 'a',
      secretAccessKey: 'b',
    })
  })

  const invalid: Array<[string, unknown, RegExp]> = [
    ['undefined', undefined, /got undefined/],
    ['null', null, /got null/],
    ['a string', 'AKID:secret', /got string/],
    ['an array', [], /`accessKeyId`/],
    ['missing accessKeyId', { secretAccessKey: SECRET }, /`accessKeyId`.*got undefined/],
    ['empty secretAccessKey', { accessKeyId: 'AKID', secretAccessKey: '' }, /`secretAccessKey`/],
    ['numeric secretAccessKey', { accessKeyId: 'AKID', secretAccessKey: 42 }, /`secretAccessKey`/],
    [
      'non-string sessionToken',
      { accessKeyId: 'AKID', secretAccessKey: SECRET, sessionToken: 1 },
      /`sessionToken`.*got number/,
    ],
    [
      'string expiration',
      { accessKeyId: 'AKID', secretAccessKey: SECRET, expiration: '2030-01-01' },
      /`expiration` must be a Date/,
    ],
    [
      'invalid Date expiration',
      { accessKeyId: 'AKID', secretAccessKey: SECRET, expiration: new Date('nope') },
      /`expiration` is an invalid Date/,
    ],
  ]
  for (const [label, value, pattern] of invalid) {
    it(`rejects ${label} with AwsSigV4ConfigurationError('credentials') naming the problem`, () => {
      let caught: unknown
      try {
        validateCredentialsOption(value)
      } catch (err) {
        caught = err
      }
      expect(caught).to.be.instanceOf(AwsSigV4ConfigurationError)
      const err = caught as AwsSigV4ConfigurationError
      expect(err.option).to.equal('credentials')
      expect(err.message).to.match(pattern)
      expect(err.message).not.to.include(SECRET)
    })
  }
})

describe('validateCredentialsOption: aws-sdk v2 objects', () => {
  it('takes a credentials object with getPromise() as it is, keys loaded or not', () => {
    const v2 = { getPromise: async () => undefined }
    expect(validateCredentialsOption(v2)).to.equal(v2)
  })

  it("says to pass AWS.config.credentials when given aws-sdk v2's AWS.config", () => {
    const config = { region: 'eu-west-1', credentials: null, getCredentials: () => undefined }
    expect(() => validateCredentialsOption(config))
      .to.throw(AwsSigV4ConfigurationError)
      .with.property('message')
      .that.includes("this looks like aws-sdk v2's AWS.config: pass AWS.config.credentials")
  })
})
