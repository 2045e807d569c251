import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { missingFor, REAL_ENGINES } from '../support/engines'
import { describeWithTools } from '../support/tool-requirements'

const ROOT = join(__dirname, '..', '..')
const OPENSEARCH_2 = REAL_ENGINES.filter((e) => e.id === 'opensearch-2')

/**
 * `npm run start:opensearch`, the documented command that runs the `npm start` demo against a
 * real OpenSearch (docs/emulator.md): its own engine, the emulator verifying in front of it.
 */
describeWithTools('npm run start:opensearch', missingFor(OPENSEARCH_2), () => {
  it('ingests through the Lambda example into a real OpenSearch 2.19, verifies, exits 0', async function () {
    this.timeout(300_000)
    const env: NodeJS.ProcessEnv = { ...process.env, START_DOCS: '300', START_FAULT_EVERY: '7' }
    for (const name of ['ES_NODE', 'ES_INDEX', 'AWS_REGION']) delete env[name]
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>(
      (resolve, reject) => {
        const child = spawn('npm', ['run', '--silent', 'start:opensearch'], { cwd: ROOT, env })
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
        child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
        child.on('error', reject)
        child.on('close', (exit) => resolve({ code: exit, stdout: out }))
      },
    )
    expect(code, stdout).to.equal(0)
    expect(stdout).to.match(
      /^Engine: OpenSearch 2\.19\.\d+ at http:\/\/127\.0\.0\.1:\d+, started in/m,
    )
    expect(stdout).to.match(/^ {8}in front of http:\/\/127\.0\.0\.1:\d+$/m)
    const summary = stdout.split('\n').find((line) => line.startsWith('Summary: '))
    expect(summary, stdout).to.match(
      /^Summary: OK: 300\/300 documents indexed in .* [1-9]\d* messages redelivered, 0 dead-lettered; count 300\/300; 5\/5 searches matched; [\d,]+ signed requests, all verified by the emulator$/,
    )
  })
})
