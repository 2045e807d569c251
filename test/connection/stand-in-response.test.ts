import { expect } from 'chai'
import { createServer, get } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { deflateSync, gzipSync } from 'node:zlib'
import { readResponseBody, standInResponse } from '../../lib/connection/stand-in-response'

/** A real IncomingMessage: the server answers with `handler`, the client gets the response. */
function respond(
  handler: (res: import('node:http').ServerResponse) => void,
): Promise<{ res: IncomingMessage; server: Server }> {
  const server = createServer((_req, res) => handler(res))
  return new Promise((resolve, reject) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      get({ host: '127.0.0.1', port, path: '/' }, (res) => resolve({ res, server })).on(
        'error',
        reject,
      )
    })
  })
}

/** Reads a stand-in the way the 7.x transports read a response. */
function readAsTransport(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => (text += chunk))
    res.on('end', () => resolve(text))
    res.on('error', reject)
  })
}

const BODY = JSON.stringify({ message: 'The security token included in the request is expired' })

describe('stand-in-response: reading a response the transport will read after us', () => {
  it('reads a plain body to the end, headers kept', async () => {
    const { res, server } = await respond((r) => {
      r.statusCode = 403
      r.setHeader('content-type', 'application/json')
      r.setHeader('x-amzn-requestid', 'abc')
      r.end(BODY)
    })
    try {
      const read = await readResponseBody(res)
      expect(read.statusCode).to.equal(403)
      expect(read.body.toString()).to.equal(BODY)
      expect(read.headers['x-amzn-requestid']).to.equal('abc')
    } finally {
      server.close()
    }
  })

  for (const [encoding, encode] of [
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ] as const) {
    it(`decodes a ${encoding} body and drops content-encoding`, async () => {
      const { res, server } = await respond((r) => {
        r.statusCode = 403
        r.setHeader('content-encoding', encoding)
        r.end(encode(Buffer.from(BODY)))
      })
      try {
        const read = await readResponseBody(res)
        expect(read.body.toString()).to.equal(BODY)
        expect(read.headers).not.to.have.property('content-encoding')
      } finally {
        server.close()
      }
    })
  }

  it('keeps a body in another encoding as it came, header and all', async () => {
    const bytes = Buffer.from([1, 2, 3, 4])
    const { res, server } = await respond((r) => {
      r.setHeader('content-encoding', 'br')
      r.end(bytes)
    })
    try {
      const read = await readResponseBody(res)
      expect(read.body.equals(bytes)).to.equal(true)
      expect(read.headers['content-encoding']).to.equal('br')
    } finally {
      server.close()
    }
  })

  it('rejects when the connection drops before the body ends', async () => {
    const { res, server } = await respond((r) => {
      r.setHeader('content-length', '1000')
      r.write('{"partial":')
      setTimeout(() => r.socket?.destroy(), 20)
    })
    try {
      const err = await readResponseBody(res).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).to.be.instanceOf(Error)
    } finally {
      server.close()
    }
  })
})

describe('stand-in-response: the stand-in the transport reads', () => {
  it('is a byte stream with the status, the headers and the length of what it holds', async () => {
    const res = standInResponse({
      statusCode: 403,
      headers: { 'content-type': 'application/json', 'content-length': '9999' },
      body: '{"é":1}',
    })
    expect(res.statusCode).to.equal(403)
    expect(res.headers['content-type']).to.equal('application/json')
    expect(res.headers['content-length']).to.equal(String(Buffer.byteLength('{"é":1}')))
    expect(await readAsTransport(res)).to.equal('{"é":1}')
  })

  it('takes a Buffer body as its bytes', async () => {
    const res = standInResponse({ statusCode: 200, headers: {}, body: Buffer.from('[1]') })
    expect(await readAsTransport(res)).to.equal('[1]')
  })

  it('can be destroyed, as the transport does for an oversized response', () => {
    const res = standInResponse({ statusCode: 200, headers: {}, body: 'x' })
    expect(() => res.destroy()).not.to.throw()
  })
})
