import { expect } from 'chai'
import { errorExitCode, errorLine, warningLine } from '../../lib/cli/failure'
import {
  AwsCredentialsError,
  AwsSigV4ConfigurationError,
  AwsSigV4RequestError,
} from '../../lib/errors'

describe('cli failure', () => {
  it('usage, configuration, credentials and unsignable requests exit 2; anything else 1', () => {
    expect(errorExitCode(new AwsSigV4ConfigurationError('region', 'x'))).to.equal(2)
    expect(errorExitCode(new AwsCredentialsError('chain', 'x'))).to.equal(2)
    expect(errorExitCode(new AwsSigV4RequestError('x'))).to.equal(2)
    expect(errorExitCode(new Error('x'))).to.equal(1)
    expect(errorExitCode('x')).to.equal(1)
  })

  it('one line, prefixed once, never a stack', () => {
    expect(errorLine(new AwsSigV4ConfigurationError('a', 'bad\n  thing'))).to.equal(
      'elasticsearch-aws-sigv4: bad thing',
    )
    expect(
      errorLine(new AwsSigV4ConfigurationError('a', 'elasticsearch-aws-sigv4 request: bad')),
    ).to.equal('elasticsearch-aws-sigv4 request: bad')
    const unexpected = new TypeError('boom')
    expect(errorLine(unexpected)).to.equal('elasticsearch-aws-sigv4: TypeError: boom')
    expect(errorLine(new Error('plain'))).to.equal('elasticsearch-aws-sigv4: plain')
    expect(errorLine(unexpected)).not.to.include(' at ')
  })

  it("a process warning is one line, as the warning of whoever emitted it, not the bin's note", () => {
    expect(warningLine(Object.assign(new Error('x'), { name: 'Warning' }))).to.equal(
      '(node) Warning: x',
    )
    const warning = Object.assign(
      new Error(
        'The AWS SDK for JavaScript (v3)\nversions published later\nwill require node >=22.',
      ),
      {
        name: 'NodeVersionSupportWarning',
      },
    )
    expect(warningLine(warning)).to.equal(
      '(AWS SDK) NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) versions published later will require node >=22.',
    )
    // As the SDK emits it: a plain Warning whose text starts with its own name.
    const emitted = Object.assign(
      new Error(
        'NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)\nwill require node >=22.',
      ),
      { name: 'Warning' },
    )
    expect(warningLine(emitted)).to.equal(
      '(AWS SDK) NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) will require node >=22.',
    )
    expect(warningLine(emitted)).not.to.include('elasticsearch-aws-sigv4')
  })
})
