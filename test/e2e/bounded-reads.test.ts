import { expect } from 'chai'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CALLBACK_VARIANTS } from '../support/client-variants'
import type { CallbackVariant } from '../support/client-variants'

/**
 * Hostile answers on the callback lineage (7.x, OpenSearch client), whose connection reads a 403
 * and the product check's answer itself before the transport sees them. What it reads is
 * bounded: a body that declares itself larger than MAX_READ_BYTES (4 MiB) is left to the client
 * unread, to take or refuse by its own limits (`maxResponseSize`); one that grows past it (a 403
 * that never ends) fails in the client's RequestAbortedError; one that breaks off fails in its
 * ConnectionError, as the plain client's would. Loopback servers; every loop bounded in bytes.
 */

const CREDS = { accessKeyId: 'AKIDBOUNDED', secretAccessKey: 'bounded/secret' }
const MiB = 1024 * 1024
const CHUNK = Buffer.alloc(64 * 1024, 'a')

/** A loopback server; `sent` counts the body bytes it managed to hand the socket. */
async function serve(
  answer: (req: IncomingMessage, res: ServerResponse, count: (n: number) => void) => void,
): Promise<{ url: string; server: Server; sent: () => number }> {
  let sent = 0
  const server = createServer((req, res) => answer(req, res, (n) => (sent += n)))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, server, sent: () => sent }
}

/** Writes up to `total` bytes with back-pressure, stopping when the client hangs up. */
function pump(res: ServerResponse, total: number, count: (n: number) => void): void {
  let written = 0
  const next = (): void => {
    while (written < total) {
      if (res.destroyed) return
      written += CHUNK.length
      count(CHUNK.length)
      if (!res.write(CHUNK)) return void res.once('drain', next)
    }
    res.end()
  }
  res.on('close', () => (written = total))
  next()
}

const INFO = JSON.stringify({
  version: { number: '7.10.2', build_flavor: 'default' },
  tagline: 'You Know, for Search',
})

/** Answers the product check (GET /) as Elastic's 7.10 does; everything else with `other`. */
function withInfo(
  other: (req: IncomingMessage, res: ServerResponse, count: (n: number) => void) => void,
) {
  return (req: IncomingMessage, res: ServerResponse, count: (n: number) => void): void => {
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-elastic-product': 'Elasticsearch',
      })
      return void res.end(INFO)
    }
    other(req, res, count)
  }
}

async function failure(variant: CallbackVariant, url: string, extra: object): Promise<Error> {
  const client = variant.make(
    url,
    { region: 'eu-west-1', credentials: CREDS },
    { maxRetries: 0, ...extra },
  )
  try {
    await client.search({ index: 'bounded' })
  } catch (err) {
    return err as Error
  } finally {
    await client.close()
  }
  return expect.fail('the request should have failed')
}

for (const variant of CALLBACK_VARIANTS) {
  describe(`e2e bounded reads: ${variant.name}`, function () {
    this.timeout(30_000)

    it("a 403 that never ends: the client's RequestAbortedError at 4 MiB read, not the whole stream", async () => {
      const { url, server, sent } = await serve(
        withInfo((_req, res, count) => {
          res.writeHead(403, { 'content-type': 'text/plain' })
          pump(res, 64 * MiB, count)
        }),
      )
      try {
        const err = await failure(variant, url, {})
        expect(err).to.be.instanceOf(variant.module.errors.RequestAbortedError)
        expect(err.message).to.match(/bigger than 4194304 bytes/)
        // Not read to its (bounded) end: the connection hung up.
        expect(sent()).to.be.below(64 * MiB)
      } finally {
        server.close()
      }
    })

    it("a 403 cut off mid-body: the client's ConnectionError", async () => {
      const { url, server } = await serve(
        withInfo((_req, res) => {
          res.writeHead(403, { 'content-type': 'application/json', 'content-length': '1000' })
          res.write('{"message":"The security token')
          setTimeout(() => res.destroy(), 10)
        }),
      )
      try {
        const err = await failure(variant, url, {})
        expect(err).to.be.instanceOf(variant.module.errors.ConnectionError)
      } finally {
        server.close()
      }
    })

    // `maxResponseSize` came with 7.14, as the product check did.
    if (variant.productCheck) {
      it('a 50 MB 403 with maxResponseSize 4 MB: refused by the client from its length, unread', async () => {
        const total = 50 * MiB
        const { url, server, sent } = await serve(
          withInfo((_req, res, count) => {
            res.writeHead(403, { 'content-type': 'text/plain', 'content-length': String(total) })
            pump(res, total, count)
          }),
        )
        try {
          const err = await failure(variant, url, { maxResponseSize: 4 * MiB })
          expect(err).to.be.instanceOf(variant.module.errors.RequestAbortedError)
          expect(err.message).to.include(
            'The content length (52428800) is bigger than the maximum allowed string (4194304)',
          )
          expect(sent()).to.be.below(total)
        } finally {
          server.close()
        }
      })
    }

    if (variant.productCheck) {
      it("the product check's answer that never ends: RequestAbortedError at 4 MiB", async () => {
        const { url, server, sent } = await serve((_req, res, count) => {
          res.writeHead(200, { 'content-type': 'application/json' })
          pump(res, 64 * MiB, count)
        })
        try {
          const err = await failure(variant, url, {})
          expect(err.name).to.equal('RequestAbortedError')
          expect(err.message).to.match(/bigger than 4194304 bytes/)
          expect(sent()).to.be.below(64 * MiB)
        } finally {
          server.close()
        }
      })
    }
  })
}
