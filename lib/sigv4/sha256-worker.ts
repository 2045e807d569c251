/**
 * The SHA-256 of a large payload, hashed on a worker thread so the client's event loop is not
 * blocked while it runs (a 5 MB bulk body is about 3 ms of hashing; 10 MB about 6 ms).
 *
 * bench/hash-paths.ts measured the ways of hashing off the main thread, as the main thread's
 * CPU per hash: WebCrypto's `crypto.subtle.digest` runs in libuv's pool but Node first copies
 * the input on the main thread (every asynchronous crypto job does), which for a 10 MB body cost
 * a third of hashing it there. A worker handed an ArrayBuffer (transferred, not copied) costs the
 * main thread a few tens of µs at any size. So:
 *
 * - A string body goes to the worker as it is: `postMessage` copies a string's characters (a
 *   memcpy into reused memory), which costs the main thread a fraction of encoding it, whose
 *   output is fresh memory to fault in. The worker encodes it to UTF-8 once, hashes those bytes
 *   and transfers them back: they are what is sent, so the base connection does not encode the
 *   string either (bench/hash-paths.ts `pkg text`: below the base's own encoding).
 * - Bytes someone else owns (a Buffer body, the transport's gzip output) must stay as they are:
 *   they are copied to the worker a chunk at a time through one buffer passed back and forth,
 *   a memcpy per chunk and no fresh allocation to fault in.
 *
 * One worker serves the process, started on the first large body and unreferenced whenever it
 * is idle, so it never keeps a process alive. Until it is up, or if it cannot start or fails,
 * payloads are hashed synchronously as before: the same digest, on the main thread.
 */
import type { Worker } from 'node:worker_threads'
import { loadWorkerThreads } from '../platform/worker-loader'
import { sha256HexNow } from './sha256'

/**
 * Bodies at least this long are hashed off the main thread, shorter ones synchronously, where
 * handing them over would cost about as much as the hash (bench/hash-paths.ts). A string's
 * length counts UTF-16 units, never more than its UTF-8 bytes.
 */
export const OFFLOAD_MIN_BYTES = 64 * 1024

/** Bytes someone else owns reach the worker this many at a time. */
const CHUNK_BYTES = 1 << 20

/**
 * The worker: hashes each message's bytes (one-shot, or a chunk of a longer job; `last` ends
 * it), or a text's UTF-8, and returns those bytes with the digest. An eval'd script, so a
 * bundled package needs no file.
 */
const WORKER_SOURCE = `'use strict'
const { parentPort } = require('node:worker_threads')
const crypto = require('node:crypto')
let open
parentPort.on('message', ({ text, bytes, last }) => {
  if (text !== undefined) {
    bytes = Buffer.from(text, 'utf8')
    // A short text's bytes would be a slice of Buffer's shared pool, which cannot move.
    if (bytes.byteOffset !== 0 || bytes.buffer.byteLength !== bytes.length) {
      bytes = new Uint8Array(bytes)
    }
  }
  let hex
  if (open === undefined && last && typeof crypto.hash === 'function') {
    hex = crypto.hash('sha256', bytes, 'hex')
  } else {
    open = open || crypto.createHash('sha256')
    open.update(bytes)
    if (last) {
      hex = open.digest('hex')
      open = undefined
    }
  }
  parentPort.postMessage({ bytes, hex }, [bytes.buffer])
})
`

interface Reply {
  bytes: Uint8Array
  hex?: string
}

/** What the hashing of one payload has left to do, handed one reply at a time. */
interface Job {
  signal?: AbortSignal
  /** Posts the job's first (or only) message. */
  start(worker: Worker, hasher: Sha256Worker): void
  /** Takes a reply; true when the job is done. */
  answered(reply: Reply, worker: Worker, hasher: Sha256Worker): boolean
  /** Finishes on the main thread after all: the worker failed or could not take the job. */
  hashHere(): void
}

export interface EncodedPayload {
  /** The hex SHA-256 of `bytes`. */
  hex: string
  /** The body's UTF-8, to send. */
  bytes: Buffer
}

/** How payloads were hashed, for the tests to see which path ran. */
export interface HasherCounts {
  /** Hashed on the worker: a text (encoded there, its bytes moved back). */
  transferred: number
  /** Hashed on the worker: someone else's bytes, copied over in chunks. */
  copied: number
  /** Hashed on the main thread: the worker not up yet, failed, or refused the bytes. */
  synchronous: number
}

type State = 'stopped' | 'starting' | 'online' | 'failed'

export class Sha256Worker {
  #state: State = 'stopped'
  #worker: Worker | undefined
  #online: Promise<boolean> | undefined
  #current: Job | undefined
  readonly #queue: Job[] = []
  /** The buffer chunks are copied through; undefined while it is with the worker. */
  #scratch: ArrayBuffer | undefined
  readonly counts: HasherCounts = { transferred: 0, copied: 0, synchronous: 0 }

  /**
   * `text` encoded as UTF-8 and the hex SHA-256 of those bytes, both on the worker (or here,
   * while it is not up). The promise never rejects: a worker that fails mid-way leaves the job
   * to this thread. Once `signal` has fired, it may never settle (the caller has stopped
   * waiting, see payload.ts); a job not started by then is dropped.
   */
  hashText(text: string, signal?: AbortSignal): Promise<EncodedPayload> {
    if (!this.#usable()) {
      const bytes = Buffer.from(text, 'utf8')
      return Promise.resolve({ hex: this.#here(bytes), bytes })
    }
    return new Promise((resolve) => {
      this.#enqueue({
        signal,
        start: (worker) => worker.postMessage({ text, last: true }),
        answered: (reply) => {
          this.counts.transferred++
          const { buffer, byteOffset, byteLength } = reply.bytes
          resolve({ hex: reply.hex!, bytes: Buffer.from(buffer, byteOffset, byteLength) })
          return true
        },
        hashHere: () => {
          const bytes = Buffer.from(text, 'utf8')
          resolve({ hex: this.#here(bytes), bytes })
        },
      })
    })
  }

  /** The hex SHA-256 of bytes the caller keeps: copied to the worker, never modified. */
  hashBytes(bytes: Uint8Array, signal?: AbortSignal): Promise<string> {
    if (!this.#usable()) return Promise.resolve(this.#here(bytes))
    return new Promise((resolve) => {
      let offset = 0
      const post = (worker: Worker, hasher: Sha256Worker): void => {
        const scratch = hasher.#takeScratch()
        const length = Math.min(CHUNK_BYTES, bytes.byteLength - offset)
        const chunk = new Uint8Array(scratch, 0, length)
        chunk.set(bytes.subarray(offset, offset + length))
        offset += length
        worker.postMessage({ bytes: chunk, last: offset === bytes.byteLength }, [scratch])
      }
      this.#enqueue({
        signal,
        start: post,
        answered: (reply, worker, hasher) => {
          hasher.#scratch = reply.bytes.buffer as ArrayBuffer
          if (reply.hex === undefined) {
            post(worker, hasher)
            return false
          }
          this.counts.copied++
          resolve(reply.hex)
          return true
        },
        hashHere: () => resolve(this.#here(bytes)),
      })
    })
  }

  /**
   * Resolves once the worker is up (true), or could not start (false); starts it if needed, and
   * keeps the process alive until then.
   */
  ready(): Promise<boolean> {
    if (this.#state === 'stopped') this.#start()
    if (this.#state === 'starting') this.#worker?.ref()
    return this.#online ?? Promise.resolve(this.#state === 'online')
  }

  /** Stops the worker (tests); later payloads start another. */
  async stop(): Promise<void> {
    const worker = this.#worker
    this.#fail('stopped')
    await worker?.terminate()
  }

  /** The worker takes jobs now; if not, it is started and this payload is hashed here. */
  #usable(): boolean {
    if (this.#state === 'online') return true
    if (this.#state === 'stopped') this.#start()
    return false
  }

  #here(bytes: Uint8Array): string {
    this.counts.synchronous++
    return sha256HexNow(bytes)
  }

  #start(): void {
    let worker: Worker
    try {
      // No execArgv: the worker must not load what the parent was started with (a loader, a
      // test runner's hooks); it runs the script above and nothing else.
      worker = new (loadWorkerThreads().Worker)(WORKER_SOURCE, { eval: true, execArgv: [] })
    } catch {
      this.#state = 'failed'
      return
    }
    this.#worker = worker
    this.#state = 'starting'
    this.#online = new Promise((resolve) => {
      worker.once('online', () => {
        if (this.#worker !== worker) return resolve(false)
        this.#state = 'online'
        if (this.#current === undefined) worker.unref()
        resolve(true)
      })
      worker.once('exit', () => resolve(false))
    })
    worker.on('message', (reply: Reply) => this.#answered(worker, reply))
    worker.once('error', () => this.#worker === worker && this.#fail('failed'))
    worker.once('exit', () => this.#worker === worker && this.#fail('failed'))
    // After the listeners: a 'message' listener added later would reference the worker again,
    // and a process that ends while it starts would wait for it forever.
    worker.unref()
  }

  #enqueue(job: Job): void {
    this.#queue.push(job)
    this.#next()
  }

  /** Starts the next job unless one is running; the worker is referenced only while busy. */
  #next(): void {
    const worker = this.#worker
    if (this.#current !== undefined || worker === undefined) return
    let job: Job | undefined
    while ((job = this.#queue.shift()) !== undefined) {
      // Abandoned before it started: the caller has its abort error already.
      if (job.signal?.aborted) continue
      this.#current = job
      worker.ref()
      try {
        job.start(worker, this)
        return
      } catch {
        // Bytes the worker cannot take (not transferable): this one is hashed here.
        this.#current = undefined
        job.hashHere()
      }
    }
    worker.unref()
  }

  #answered(worker: Worker, reply: Reply): void {
    const job = this.#current
    if (job === undefined || worker !== this.#worker) return
    let done: boolean
    try {
      done = job.answered(reply, worker, this)
    } catch {
      done = true
      job.hashHere()
    }
    if (done) {
      this.#current = undefined
      this.#next()
    }
  }

  /** The worker is gone: what it had, and everything queued, is hashed here. */
  #fail(state: 'failed' | 'stopped'): void {
    const pending = [...(this.#current ? [this.#current] : []), ...this.#queue.splice(0)]
    this.#current = undefined
    this.#worker = undefined
    this.#online = undefined
    this.#scratch = undefined
    this.#state = state
    for (const job of pending) job.hashHere()
  }

  #takeScratch(): ArrayBuffer {
    const scratch = this.#scratch ?? new ArrayBuffer(CHUNK_BYTES)
    this.#scratch = undefined
    return scratch
  }
}

/** The process's one hasher. */
export const sha256Worker = new Sha256Worker()
