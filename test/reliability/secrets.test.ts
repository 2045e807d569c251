import { expect } from 'chai'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { needles, runScenarios } from './secrets-scenarios'
import { expectSearched, findLeaks, runScenariosInChild, withoutNock } from './support'

/**
 * Neither the secret access key, the session token nor any signature sent may appear in
 * anything a user can see: diagnostic events, errors and their meta (redaction on and off),
 * util.inspect / JSON of clients, connections and errors, console and stdout/stderr output,
 * and the `debug` module's DEBUG=elasticsearch output.
 */
const FAILURE_PATHS = [
  'signature mismatch 403 with sigv4_debug',
  'expired token 403 (static credentials: one attempt)',
  'credentials provider error',
  'provider returns garbage holding the secrets',
  'aborted in flight',
  'stream body over the cap',
  'timeout',
  'connection dropped',
  'credentials of the wrong shape',
]

describe('reliability: no secret or signature in anything a user can see', function () {
  this.timeout(60_000)
  withoutNock()

  it('in process: diagnostics, errors and meta (redaction on/off), inspect/JSON, console, stdout/stderr', async () => {
    const texts: Array<[string, string]> = []
    const written: string[] = []
    const saved = {
      stdout: process.stdout.write,
      stderr: process.stderr.write,
      console: { ...console },
    }
    const capture =
      (stream: NodeJS.WriteStream, original: typeof process.stdout.write) =>
      (chunk: unknown, ...rest: unknown[]): boolean => {
        written.push(
          typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(),
        )
        return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest)
      }
    process.stdout.write = capture(process.stdout, saved.stdout) as typeof process.stdout.write
    process.stderr.write = capture(process.stderr, saved.stderr) as typeof process.stderr.write
    for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      console[level] = (...args: unknown[]) => written.push(args.map(String).join(' '))
    }
    let result
    try {
      result = await runScenarios((label, text) => texts.push([label, text]))
    } finally {
      process.stdout.write = saved.stdout
      process.stderr.write = saved.stderr
      Object.assign(console, saved.console)
    }
    for (const path of FAILURE_PATHS) {
      expect(
        [...result.reached].some((r) => r.endsWith(path)),
        path,
      ).to.equal(true)
    }
    // Counted as sent, not as distinct: identical requests within one second share a signature.
    expect(result.sent).to.be.greaterThan(20)
    expect(result.signatures.size).to.be.greaterThan(0)
    texts.push(...written.map((w): [string, string] => ['stdout/stderr/console', w]))
    const leaks = findLeaks(texts, needles(result.signatures))
    expect(leaks, leaks.slice(0, 10).join('\n')).to.deep.equal([])
    // The searched texts are the real thing: AWS's refusal with our sigv4_debug, the provider's
    // own error, the signed requests' diagnostics.
    expectSearched(texts, [
      'sigv4_debug',
      'x-amz-security-token:<redacted session token>',
      // The emulator's verdicts are searched too: their canonical requests are there.
      '"reason":"signature-mismatch"',
      'provider exploded',
      '`sessionToken` must be a string when present',
      'maxBodyBytes (16 bytes)',
    ])
  })

  // The child runs beside the in-process test (2 cores); its result is checked below.
  let child: Promise<{ stdout: string; stderr: string }>
  const dir = mkdtempSync(join(tmpdir(), 'sigv4-secrets-'))
  const out = join(dir, 'signatures.json')
  before(() => {
    child = runScenariosInChild('promise', 'elasticsearch', out)
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('in a child process with DEBUG=elasticsearch: nothing the debug module prints', async () => {
    {
      const { stdout, stderr } = await child
      const { signatures, sent, reached } = JSON.parse(readFileSync(out, 'utf8')) as {
        signatures: string[]
        sent: number
        reached: string[]
      }
      expect(reached.length).to.equal(FAILURE_PATHS.length)
      expect(sent).to.be.greaterThan(20)
      expect(signatures.length).to.be.greaterThan(0)
      // The debug output is there, and shows the signed requests.
      expect(stderr).to.include('elasticsearch Starting a new request')
      expect(stderr).to.include('Signature=<redacted>')
      const leaks = findLeaks(
        [
          ['child stdout', stdout],
          ['child stderr', stderr],
        ],
        needles(signatures),
      )
      expect(leaks, leaks.slice(0, 10).join('\n')).to.deep.equal([])
    }
  })
})
