import { expect } from 'chai'
import { createServer, get } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { deflateSync, gunzipSync, gzipSync } from 'node:zlib'
import * as es717 from 'es717'
import {
  readResponseBody,
  redactWhileRead,
  standInResponse,
} from '../../lib/connection/stand-in-response'
import type { ResponseErrors } from '../../lib/connection/stand-in-response'
import { installFakeClock } from '../support/fake-clock'

const es717Errors = es717.errors as unknown as ResponseErrors

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

describe('stand-in-response: what is read is bounded', () => {
  /** A server that answers 403 and keeps sending 16 KiB chunks until the client hangs up (bounded: 64 MiB). */
  function endless(): Promise<{ res: IncomingMessage; server: Server; sent: () => number }> {
    let sent = 0
    const chunk = Buffer.alloc(16 * 1024, 'a')
    return respond((r) => {
      r.statusCode = 403
      const pump = (): void => {
        while (sent < 64 * 1024 * 1024 && !r.destroyed) {
          sent += chunk.length
          if (!r.write(chunk)) return void r.once('drain', pump)
        }
        r.end()
      }
      pump()
    }).then(({ res, server }) => ({ res, server, sent: () => sent }))
  }

  it('a body that grows past maxBytes: RequestAbortedError, the response destroyed', async () => {
    const { res, server } = await endless()
    try {
      const err = (await readResponseBody(res, { maxBytes: 256 * 1024 }).then(
        () => undefined,
        (e: unknown) => e,
      )) as Error
      expect(err.name).to.equal('RequestAbortedError')
      expect(err.message).to.match(/bigger than 262144 bytes/)
      expect(res.destroyed).to.equal(true)
    } finally {
      server.close()
    }
  })

  it("a body that ends too late: TimeoutError once the request's time is up", async () => {
    const { res, server } = await respond((r) => {
      r.statusCode = 403
      r.write('{"message":') // and never ends
    })
    const clock = installFakeClock()
    try {
      const settled: Array<Error | 'read'> = []
      readResponseBody(res, { timeoutMs: 2000 }).then(
        () => settled.push('read'),
        (e: Error) => settled.push(e),
      )
      await clock.tickAsync(1999)
      expect(settled).to.deep.equal([])
      await clock.tickAsync(1)
      expect(settled).to.have.length(1)
      expect((settled[0] as Error).name).to.equal('TimeoutError')
      expect(res.destroyed).to.equal(true)
    } finally {
      clock.uninstall()
      server.close()
    }
  })

  it('a gzip body that decodes to more than maxBytes is kept as it came, header and all', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, ' '))
    const { res, server } = await respond((r) => {
      r.statusCode = 403
      r.setHeader('content-encoding', 'gzip')
      r.end(bomb)
    })
    try {
      const read = await readResponseBody(res, { maxBytes: 1024 * 1024 })
      expect(read.body.equals(bomb)).to.equal(true)
      expect(read.headers['content-encoding']).to.equal('gzip')
    } finally {
      server.close()
    }
  })

  it('the client error classes it is given: a response cut mid-body is their ConnectionError', async () => {
    const { res, server } = await respond((r) => {
      r.setHeader('content-length', '1000')
      r.write('{"partial":')
      setTimeout(() => r.socket?.destroy(), 20)
    })
    try {
      const err = await readResponseBody(res, { errors: es717Errors }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).to.be.instanceOf(es717.errors.ConnectionError)
    } finally {
      server.close()
    }
  })
})

describe('stand-in-response: redacting an error body the transport reads itself', () => {
  const redact = (text: string): string => text.split('SECRET-TOKEN').join('<redacted>')

  /** As `respond`, set up as the base calls back: in the 'response' event, before any body. */
  function respondRedacting(
    handler: (res: import('node:http').ServerResponse) => void,
    maxBytes = 1024,
  ): Promise<{ res: IncomingMessage; server: Server }> {
    const server = createServer((_req, res) => handler(res))
    return new Promise((resolve, reject) => {
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo
        get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          expect(redactWhileRead(res, redact, maxBytes)).to.equal(true)
          resolve({ res, server })
        }).on('error', reject)
      })
    })
  }

  /** Reads the raw bytes as the transport would, then decodes gzip as it does. */
  function readBytes(res: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve(Buffer.concat(chunks)))
      res.on('error', reject)
    })
  }

  it('replaces the secret in the same response object, as it is read', async () => {
    const { res, server } = await respondRedacting((r) => {
      r.statusCode = 500
      r.setHeader('content-type', 'text/plain')
      r.write('proxy dump: SECRET-TOKEN, ')
      setTimeout(() => r.end('and again SECRET-TOKEN'), 10)
    })
    try {
      expect(await readAsTransport(res)).to.equal('proxy dump: <redacted>, and again <redacted>')
    } finally {
      server.close()
    }
  })

  it('a gzip body: decoded, redacted, and gzipped again as its header says', async () => {
    const { res, server } = await respondRedacting((r) => {
      r.statusCode = 500
      r.setHeader('content-encoding', 'gzip')
      r.end(gzipSync('{"echo":"SECRET-TOKEN"}'))
    })
    try {
      expect(gunzipSync(await readBytes(res)).toString()).to.equal('{"echo":"<redacted>"}')
    } finally {
      server.close()
    }
  })

  it('a body longer than the cap flows on as it came', async () => {
    const long = `SECRET-TOKEN ${'x'.repeat(4096)}`
    const { res, server } = await respondRedacting((r) => {
      r.statusCode = 500
      r.end(long)
    })
    try {
      expect(await readAsTransport(res)).to.equal(long)
    } finally {
      server.close()
    }
  })
})

describe('stand-in-response: too late to redact as it is read', () => {
  it('a response already holding body bytes is left alone: false, so the caller reads it', async () => {
    const { res, server } = await respond((r) => {
      r.statusCode = 500
      r.end('SECRET-TOKEN')
    })
    try {
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(redactWhileRead(res, (t) => t, 1024)).to.equal(false)
      expect(await readAsTransport(res)).to.equal('SECRET-TOKEN')
    } finally {
      server.close()
    }
  })
})
