// `elasticsearch-aws-sigv4 emulate` as users run it (the built bin): its --help, its errors on
// one line, and its key taken from the environment alone.
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO } from '../package/support'
import { BUILT_CLI, isOneLineError, useBuiltCli } from './support'

const KEY = {
  AWS_ACCESS_KEY_ID: 'AKIDEMULATECLI',
  AWS_SECRET_ACCESS_KEY: 'emulate/cli+secret',
  AWS_SESSION_TOKEN: 'emulate-cli-session-token',
}

describe('cli: emulate', function () {
  this.timeout(60_000)
  const harness = useBuiltCli()
  const { env, cli } = harness
  let home = ''
  before(() => (home = harness.home))

  it('--help lists every option and exits 0', async () => {
    const r = await cli(['emulate', '--help'])
    expect(r.code, r.stderr).to.equal(0)
    for (const flag of [
      '--port',
      '--host',
      '--region',
      '--service',
      '--mode',
      '--engine',
      '--upstream',
      '--access-key-id',
      '--clock-skew-ms',
      '--expected-host',
      '--log',
      '--compress-responses',
    ]) {
      expect(r.stdout).to.include(flag)
    }
    expect(r.stdout).to.match(/environment only/)
    expect(r.stdout).to.include('`ps`')
    expect(r.stderr).to.equal('')
  })

  it('an unknown option is one line naming --help, exit 2, no stack trace', async () => {
    const r = await cli(['emulate', '--bogus', '1'])
    expect(r.code).to.equal(2)
    expect(isOneLineError(r.stderr), r.stderr).to.equal(true)
    expect(r.stderr).to.include('emulate --help')
  })

  it('refuses the secret on the command line, where `ps` shows it, naming the variable', async () => {
    for (const [flag, variable] of [
      ['--secret-access-key', 'AWS_SECRET_ACCESS_KEY'],
      ['--session-token', 'AWS_SESSION_TOKEN'],
    ]) {
      const r = await cli(['emulate', flag, 'on-the-command-line'], { env: env(KEY) })
      expect(r.code, flag).to.equal(2)
      expect(isOneLineError(r.stderr), r.stderr).to.equal(true)
      expect(r.stderr).to.include(variable)
      expect(r.stderr).not.to.include('on-the-command-line')
    }
  })

  it('a port in use is one line naming --port, exit 2', async () => {
    const busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = busy.address() as AddressInfo
      const r = await cli(['emulate', '--port', String(port)], { env: env(KEY) })
      expect(r.code).to.equal(2)
      expect(isOneLineError(r.stderr), r.stderr).to.equal(true)
      expect(r.stderr).to.include(`port ${port} is already in use`)
    } finally {
      busy.close()
    }
  })

  it('without a key: one line naming the variables, exit 2', async () => {
    const r = await cli(['emulate'])
    expect(r.code).to.equal(2)
    expect(isOneLineError(r.stderr), r.stderr).to.equal(true)
    expect(r.stderr).to.include('AWS_SECRET_ACCESS_KEY')
  })

  it('starts with its key from the environment alone, and a signed request passes', async () => {
    const child = spawn(process.execPath, [BUILT_CLI, 'emulate', '--region', 'eu-west-1'], {
      cwd: REPO,
      env: env(KEY),
    })
    try {
      let out = ''
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out)
          if (match) resolve(match[0])
        })
        child.on('exit', (code) => reject(new Error(`emulate exited ${code}: ${out}`)))
      })
      expect(out).not.to.include(KEY.AWS_SECRET_ACCESS_KEY)
      expect(out).not.to.include(KEY.AWS_SESSION_TOKEN)
      const r = await cli(['request', `${url}/`], { env: env({ ...KEY, AWS_REGION: 'eu-west-1' }) })
      expect(r.code, r.stderr).to.equal(0)
      expect(JSON.parse(r.stdout)).to.have.nested.property('version.number')
    } finally {
      child.kill()
    }
  })

  /** Starts `emulate` with `args`; resolves with its URL and what it printed so far. */
  async function started(args: string[], childEnv: NodeJS.ProcessEnv) {
    const child = spawn(process.execPath, [BUILT_CLI, 'emulate', ...args], {
      cwd: REPO,
      env: childEnv,
    })
    const output = { text: '' }
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output.text += chunk.toString()
        const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output.text)
        if (match) resolve(match[0])
      })
      child.stderr.on('data', (chunk: Buffer) => (output.text += chunk.toString()))
      child.on('exit', (code) => reject(new Error(`emulate exited ${code}: ${output.text}`)))
    })
    return { child, url, output }
  }

  it("with AWS_PROFILE, accepts that profile's key, as the SDK's chain resolves it for the client", async () => {
    const credentials = join(home, 'emulate-credentials')
    writeFileSync(
      credentials,
      `[emu]\naws_access_key_id = AKIDEMULATEPROFILE\naws_secret_access_key = emulate/profile+secret\n`,
    )
    const profileEnv = env({
      ...KEY,
      AWS_PROFILE: 'emu',
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_REGION: 'eu-west-1',
    })
    const { child, url, output } = await started(['--region', 'eu-west-1'], profileEnv)
    try {
      expect(output.text).to.include('key AKIDEMULATEPROFILE')
      expect(output.text).not.to.include('emulate/profile+secret')
      const r = await cli(['request', `${url}/`], { env: profileEnv })
      expect(r.code, r.stderr).to.equal(0)
    } finally {
      child.kill()
    }
  })

  it('--log prints a line per request with its verdict', async () => {
    const { child, url, output } = await started(['--region', 'eu-west-1', '--log'], env(KEY))
    try {
      const r = await cli(['request', `${url}/_cat/indices?v`], {
        env: env({ ...KEY, AWS_REGION: 'eu-west-1' }),
      })
      expect(r.code, r.stderr).to.equal(0)
      for (let i = 0; i < 50 && !output.text.includes('_cat/indices'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(output.text).to.match(/ GET \/_cat\/indices\?v → 200 ok \(key AKIDEMULATECLI\)\n/)
    } finally {
      child.kill()
    }
  })
})
