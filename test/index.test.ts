import { expect } from 'chai'
import { AwsSigV4ConfigurationError, AwsSigV4Error } from '../lib'

describe('package entry', () => {
  it('exports error classes that callers can instanceof', () => {
    const err = new AwsSigV4ConfigurationError('region', 'bad region')
    expect(err).to.be.instanceOf(AwsSigV4Error)
    expect(err.option).to.equal('region')
  })
})
