import { expect } from 'chai'
import { isRegion, partitionOfRegion, validateRegion, validateService } from '../../lib/aws/region'
import { configError } from '../support/config-error'

describe('region validation', () => {
  const valid: Array<[string, 'aws' | 'aws-cn' | 'aws-us-gov' | undefined]> = [
    ['us-east-1', 'aws'],
    ['us-west-2', 'aws'],
    ['eu-central-2', 'aws'],
    ['ap-southeast-5', 'aws'],
    ['me-central-1', 'aws'],
    ['il-central-1', 'aws'],
    ['mx-central-1', 'aws'],
    ['ca-west-1', 'aws'],
    ['sa-east-1', 'aws'],
    ['af-south-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-east-1', undefined],
    ['us-isob-east-1', undefined],
    ['eu-isoe-west-1', undefined],
    ['eusc-de-east-1', undefined],
  ]
  for (const [region, partition] of valid) {
    it(`accepts ${region} (partition ${partition ?? 'not inferred'})`, () => {
      expect(isRegion(region)).to.equal(true)
      expect(validateRegion(region)).to.equal(region)
      expect(partitionOfRegion(region)).to.equal(partition)
    })
  }

  const invalid: Array<[unknown, RegExp]> = [
    ['', /an empty string/],
    ['us-east', /"us-east" is not an AWS region/],
    ['US-EAST-1', /did you mean 'us-east-1'/],
    [' us-east-1', /did you mean 'us-east-1'/],
    ['us_east_1', /did you mean 'us-east-1'/],
    ['us-east-1a', /availability zone; its region is 'us-east-1'/],
    ['eu-west-1.', /not an AWS region/],
    ['useast1', /not an AWS region/],
    ['https://es.us-east-1.amazonaws.com', /not an AWS region/],
    ['local', /not an AWS region/],
    [undefined, /a value of type undefined/],
    [null, /null is not an AWS region/],
    [42, /a value of type number/],
  ]
  for (const [value, message] of invalid) {
    it(`rejects ${JSON.stringify(value) ?? String(value)}, naming the option`, () => {
      const err = configError(() => validateRegion(value))
      expect(err.option).to.equal('region')
      expect(err.message).to.match(message)
      expect(err.message).to.include('`region` option')
      expect(err.message).to.include("e.g. 'us-east-1'")
    })
  }

  it('names an environment variable as such', () => {
    const err = configError(() => validateRegion('eu-west', 'AWS_REGION'))
    expect(err.option).to.equal('AWS_REGION')
    expect(err.message).to.match(/^Invalid environment variable AWS_REGION: "eu-west"/)
  })
})

describe('service validation', () => {
  for (const service of ['es', 'aoss', 'execute-api', 'vpc-lattice-svcs', 's3']) {
    it(`accepts ${service}`, () => {
      expect(validateService(service)).to.equal(service)
    })
  }

  const invalid: Array<[unknown, RegExp]> = [
    ['', /an empty string/],
    ['ES', /did you mean 'es'/],
    ['aoss ', /did you mean 'aoss'/],
    ['execute_api', /not an AWS signing service name/],
    ['-es', /not an AWS signing service name/],
    ['es-', /not an AWS signing service name/],
    ['es--x', /not an AWS signing service name/],
    [['es'], /a value of type object/],
  ]
  for (const [value, message] of invalid) {
    it(`rejects ${JSON.stringify(value)}, naming the option`, () => {
      const err = configError(() => validateService(value))
      expect(err.option).to.equal('service')
      expect(err.message).to.match(message)
      expect(err.message).to.include("'aoss' for OpenSearch Serverless")
    })
  }

  it('uses the option name it is given', () => {
    expect(configError(() => validateService('X', 'signingService')).option).to.equal(
      'signingService',
    )
  })
})
