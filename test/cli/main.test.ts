// The bin's entry, in process: help, version, dispatch, and every error as one line.
import { expect } from 'chai'
import { Readable } from 'node:stream'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { main, type CliIo } from '../../lib/cli/main'

function io(env: Record<string, string> = {}): CliIo & { out: string; err: string } {
  const state = {
    out: '',
    err: '',
    stdout: (data: string | Uint8Array) => {
      state.out += typeof data === 'string' ? data : Buffer.from(data).toString()
    },
    stderr: (text: string) => {
      state.err += text
    },
    stdin: Readable.from([]),
    stdoutIsTTY: false,
    env,
  }
  return state
}

describe('cli entry', () => {
  it('--help lists the commands on stdout (exit 0); no command prints it on stderr (exit 2)', async () => {
    const help = io()
    expect(await main(['--help'], help)).to.equal(0)
    for (const command of ['request URL', 'diagnose URL', 'emulate'])
      expect(help.out).to.include(command)
    const none = io()
    expect(await main([], none)).to.equal(2)
    expect(none.err).to.equal(help.out)
  })

  it('--version prints the package version', async () => {
    const out = io()
    expect(await main(['--version'], out)).to.equal(0)
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string
    }
    expect(out.out).to.equal(`${pkg.version}\n`)
  })

  it('an unknown command, and a command refusing its arguments: one line, exit 2', async () => {
    const unknown = io()
    expect(await main(['frobnicate'], unknown)).to.equal(2)
    expect(unknown.err).to.equal(
      "elasticsearch-aws-sigv4: unknown command 'frobnicate': run `elasticsearch-aws-sigv4 --help` for the commands\n",
    )
    for (const argv of [['request'], ['request', '--bogus'], ['diagnose'], ['emulate', '--nope']]) {
      const out = io()
      expect(await main(argv, out), argv.join(' ')).to.equal(2)
      expect(out.err.split('\n'), argv.join(' ')).to.have.length(2)
      expect(out.err).to.match(/^elasticsearch-aws-sigv4[: ]/)
      expect(out.err).not.to.match(/^\s+at /m)
    }
  })

  it('each command answers --help on stdout', async () => {
    for (const command of ['request', 'diagnose', 'emulate']) {
      const out = io()
      expect(await main([command, '--help'], out), command).to.equal(0)
      expect(out.out).to.match(new RegExp(`^Usage: elasticsearch-aws-sigv4 ${command}`))
    }
  })
})
