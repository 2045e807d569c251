import { expect } from 'chai'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { readBodySource } from '../../lib/cli/body'
import { AwsSigV4ConfigurationError } from '../../lib/errors'

describe('cli body', () => {
  let dir: string
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'esv4-body-'))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('reads a file and stdin byte for byte (CR, LF and non-UTF-8 kept)', async () => {
    const bytes = Buffer.from([0x7b, 0x7d, 0x0d, 0x0a, 0xff, 0x0a])
    const file = join(dir, 'body.bin')
    writeFileSync(file, bytes)
    expect(await readBodySource({ kind: 'file', path: file }, Readable.from([]))).to.deep.equal(
      bytes,
    )
    const stdin = Readable.from([bytes.subarray(0, 3), bytes.subarray(3)])
    expect(await readBodySource({ kind: 'stdin' }, stdin)).to.deep.equal(bytes)
    expect(await readBodySource({ kind: 'literal', text: 'ü' }, Readable.from([]))).to.deep.equal(
      Buffer.from('ü'),
    )
  })

  it('a file that cannot be read is a configuration error naming it and the fix', async () => {
    for (const [path, why] of [
      [join(dir, 'missing'), 'no such file'],
      [dir, 'it is a directory'],
    ]) {
      let error: unknown
      try {
        await readBodySource({ kind: 'file', path }, Readable.from([]))
      } catch (err) {
        error = err
      }
      expect(error).to.be.instanceOf(AwsSigV4ConfigurationError)
      expect((error as Error).message).to.equal(
        `cannot read the body from -d @${path}: ${why}. Give an existing file, or @- for stdin`,
      )
    }
  })
})
