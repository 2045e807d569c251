import { expect } from 'chai'
import { AwsSigV4ConfigurationError } from '../../lib/errors'

/** The AwsSigV4ConfigurationError `fn` throws; fails the test when it throws nothing or another. */
export function configError(fn: () => unknown): AwsSigV4ConfigurationError {
  try {
    fn()
  } catch (err) {
    expect(err).to.be.instanceOf(AwsSigV4ConfigurationError)
    return err as AwsSigV4ConfigurationError
  }
  expect.fail('expected an AwsSigV4ConfigurationError')
}
