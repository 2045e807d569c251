import { expect } from 'chai'
import { batchedLines, formatLogEntry } from '../../../lib/cli/proxy/log'

describe('proxy: log lines', () => {
  it('text: method, path, status, bytes, ms, and what a refusal means, on one line', () => {
    const line = formatLogEntry(
      {
        type: 'request',
        time: '2026-12-07T01:02:03.456Z',
        method: 'GET',
        path: '/idx/_search?q=a',
        status: 403,
        bytes: 120,
        ms: 7,
        retried: true,
        aws: 'The security token included in the request is invalid —\n AWS does not know key AKID…0001',
      },
      'text',
    )
    expect(line).to.equal(
      '2026-12-07T01:02:03.456Z GET /idx/_search?q=a 403 120 B 7 ms · retried once, re-signed · ' +
        'AWS: The security token included in the request is invalid — AWS does not know key AKID…0001',
    )
  })

  it('json: the entry as it is; notes and warnings too', () => {
    const entry = { type: 'warning', time: 't', message: 'm' } as const
    expect(JSON.parse(formatLogEntry(entry, 'json'))).to.deep.equal(entry)
    expect(formatLogEntry(entry, 'text')).to.equal('t WARNING m')
  })

  it('batched: the lines of one turn in one write, in order; flush() writes what is pending', async () => {
    const writes: string[] = []
    const lines = batchedLines((text) => writes.push(text))
    lines.line('a')
    lines.line('b')
    expect(writes).to.deep.equal([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes).to.deep.equal(['a\nb\n'])
    lines.line('c')
    lines.flush()
    expect(writes).to.deep.equal(['a\nb\n', 'c\n'])
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes).to.have.length(2)
  })
})
