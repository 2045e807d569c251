import { expect } from 'chai'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { needles } from './secrets-scenarios'
import { CALLBACK_FAILURE_PATHS, runCallbackScenarios } from './secrets-callback-scenarios'
import { CALLBACK_VARIANTS } from '../support/client-variants'
import { expectSearched, findLeaks, runScenariosInChild, withoutNock } from './support'

/**
 * The callback lineage (7.17, 7.13.0, OpenSearch client 3.x/2.x): neither the secret access
 * key, the session token nor any signature sent appears in their events' results and errors
 * (printed, serialised, or walked property by property through `meta.connection` while requests
 * are in flight), in util.inspect / JSON of clients, connections and errors, or in what the
 * `debug` module prints with DEBUG=elasticsearch,opensearch.
 */

const EXPECTED_PATHS = [
  ...CALLBACK_VARIANTS.flatMap((v) => CALLBACK_FAILURE_PATHS.map((path) => `${v.name}: ${path}`)),
  `${CALLBACK_VARIANTS[0].name} vs OpenSearch 2.x: unsupported engine`,
]

describe('reliability: the callback lineage shows no secret or signature', function () {
  this.timeout(120_000)
  withoutNock()

  // The child runs beside the in-process test (2 cores); its result is checked below.
  let child: Promise<{ stdout: string; stderr: string }>
  const dir = mkdtempSync(join(tmpdir(), 'sigv4-secrets-callback-'))
  const out = join(dir, 'signatures.json')
  before(() => {
    child = runScenariosInChild('callback', 'elasticsearch,opensearch', out)
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('in process: events (printed and walked), errors, meta.connection, inspect/JSON', async () => {
    const texts: Array<[string, string]> = []
    const result = await runCallbackScenarios((label, text) => texts.push([label, text]))
    expect([...result.reached].sort()).to.deep.equal([...EXPECTED_PATHS].sort())
    // Counted as sent, not as distinct: identical requests within one second share a signature.
    expect(result.sent).to.be.at.least(3 * CALLBACK_VARIANTS.length)
    expect(result.signatures.size).to.be.greaterThan(0)
    const leaks = findLeaks(texts, needles(result.signatures))
    expect(leaks, leaks.slice(0, 10).join('\n')).to.deep.equal([])
    // The searched texts are the real thing: AWS's refusal with our sigv4_debug, the provider's
    // own error, our unsupported-engine error, the walked connection of a live client.
    expectSearched(texts, [
      'sigv4_debug',
      'x-amz-security-token:<redacted session token>',
      'provider exploded',
      '`sessionToken` must be a string when present',
      'maxBodyBytes (16 bytes)',
      'override_main_response_version',
    ])
    // The walks reached the requests and the live connection (its id is the node URL).
    const walked = texts.filter(([label]) => label.endsWith('event request result, walked'))
    expect(walked.some(([, t]) => t.includes('/sec/_search'))).to.equal(true)
    expect(walked.some(([, t]) => /http:\/\/127\.0\.0\.1:\d+\//.test(t))).to.equal(true)
  })

  it('in a child process with DEBUG=elasticsearch,opensearch: nothing the debug module prints', async () => {
    const { stdout, stderr } = await child
    const { signatures, sent, reached } = JSON.parse(readFileSync(out, 'utf8')) as {
      signatures: string[]
      sent: number
      reached: string[]
    }
    expect(reached.length).to.equal(EXPECTED_PATHS.length)
    expect(sent).to.be.at.least(3 * CALLBACK_VARIANTS.length)
    expect(signatures.length).to.be.greaterThan(0)
    // The debug output is there for both products, and shows the signed requests.
    expect(stderr).to.include('elasticsearch Starting a new request')
    expect(stderr).to.include('opensearch Starting a new request')
    expect(stderr).to.include('Signature=<redacted>')
    const leaks = findLeaks(
      [
        ['child stdout', stdout],
        ['child stderr', stderr],
      ],
      needles(signatures),
    )
    expect(leaks, leaks.slice(0, 10).join('\n')).to.deep.equal([])
  })
})
