import { expect } from 'chai'
import { AwsSigV4ConfigurationError } from '../../lib/errors'
import {
  booleanValue,
  formatHelp,
  parseCommandArgs,
  stringValue,
  stringValues,
  type CommandSpec,
} from '../../lib/cli/args'

const SPEC: CommandSpec = {
  name: 'demo',
  usage: 'elasticsearch-aws-sigv4 demo URL',
  summary: 'A demo.',
  flags: [
    { name: 'request', short: 'X', value: 'METHOD', description: 'method' },
    { name: 'header', short: 'H', value: 'H', multiple: true, description: 'header' },
    { name: 'include', short: 'i', description: 'include' },
    { name: 'verbose', short: 'v', description: 'verbose' },
    { name: 'region', value: 'R', description: 'region' },
  ],
  notes: ['Exit status: 0.'],
}

function usageMessage(argv: string[]): string {
  try {
    parseCommandArgs(SPEC, argv)
  } catch (err) {
    expect(err).to.be.instanceOf(AwsSigV4ConfigurationError)
    return (err as Error).message
  }
  throw new Error(`no error for ${argv.join(' ')}`)
}

describe('cli args', () => {
  it('reads curl-style flags: -XPOST, grouped switches, repeated -H, --name=value, -- ends flags', () => {
    const args = parseCommandArgs(SPEC, [
      '-XPOST',
      'http://x',
      '-H',
      'A: 1',
      '--header=B: 2',
      '-iv',
      '--region',
      'eu-west-1',
      '--',
      '-literal',
    ])
    expect(stringValue(args, 'request')).to.equal('POST')
    expect(stringValues(args, 'header')).to.deep.equal(['A: 1', 'B: 2'])
    expect(booleanValue(args, 'include')).to.equal(true)
    expect(booleanValue(args, 'verbose')).to.equal(true)
    expect(stringValue(args, 'region')).to.equal('eu-west-1')
    expect(args.positionals).to.deep.equal(['http://x', '-literal'])
    expect(booleanValue(parseCommandArgs(SPEC, ['--help']), 'help')).to.equal(true)
  })

  it('a mistake is one line naming the command and its --help', () => {
    expect(usageMessage(['--bogus'])).to.equal(
      'elasticsearch-aws-sigv4 demo: unknown option --bogus (run `elasticsearch-aws-sigv4 demo --help` for its flags)',
    )
    expect(usageMessage(['--region'])).to.match(
      /^elasticsearch-aws-sigv4 demo: --region needs a value \(run/,
    )
    expect(usageMessage(['-X'])).to.match(/-X, --request needs a value/)
    for (const argv of [['--bogus'], ['--region'], ['-q']]) {
      expect(usageMessage(argv)).not.to.include('\n')
    }
  })

  it('--help shows the usage, every flag with its value and description, and the notes', () => {
    const help = formatHelp(SPEC)
    expect(help).to.match(/^Usage: elasticsearch-aws-sigv4 demo URL\n\nA demo\.\n\nOptions:\n/)
    expect(help).to.include('  -X, --request METHOD')
    expect(help).to.include('  -H, --header H')
    expect(help).to.include('      --region R')
    expect(help).to.include('  -h, --help')
    expect(help).to.match(/\n\nExit status: 0\.\n$/)
  })
})
