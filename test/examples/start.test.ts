import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { join } from 'node:path'

const ROOT = join(__dirname, '..', '..')

/** Runs `npm start` as a user would, with the given extra environment. */
function npmStart(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env }
  // Never a real endpoint from the developer's shell.
  for (const name of ['ES_NODE', 'ES_INDEX', 'AWS_REGION']) delete childEnv[name]
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: childEnv })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('npm start (scripts/start.ts)', function () {
  this.timeout(90_000)

  it('ingests through the Lambda example into the emulator, verifies, exits 0', async () => {
    const { code, stdout, stderr } = await npmStart({ START_DOCS: '300', START_FAULT_EVERY: '7' })
    expect(code, stdout + stderr).to.equal(0)
    const summary = stdout.split('\n').find((line) => line.startsWith('Summary: '))
    expect(summary, stdout).to.match(
      /^Summary: OK: 300\/300 documents indexed in [\d.]+ s \([\d,]+ docs\/s\), \d+ Lambda invocations, [1-9]\d* messages redelivered, 0 dead-lettered; count 300\/300; 5\/5 searches matched; [\d,]+ signed requests, all verified by the emulator$/,
    )
    expect(stdout).to.match(/docs\/s/)
    // The throwaway keys are never printed.
    expect(stdout + stderr).not.to.match(/AKID[0-9A-F]{16}/)
  })

  it('exits 1 with a FAILED summary when documents cannot be delivered', async () => {
    // Every bulk request throttled: each message is dead-lettered after its last receive.
    const { code, stdout } = await npmStart({ START_DOCS: '20', START_FAULT_EVERY: '1' })
    expect(code).to.equal(1)
    const summary = stdout.split('\n').find((line) => line.startsWith('Summary: '))
    expect(summary, stdout).to.match(/^Summary: FAILED: 0\/20 documents indexed/)
    expect(summary).to.contain('20 dead-lettered')
  })

  it('exits 1 on a bad setting', async () => {
    const { code, stdout } = await npmStart({ START_DOCS: 'many' })
    expect(code).to.equal(1)
    expect(stdout).to.contain('Summary: FAILED: START_DOCS must be an integer')
  })
})
