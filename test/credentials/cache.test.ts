import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { inspect } from 'node:util'
import { CredentialCache, REFETCH_PAUSE_MS } from '../../lib/credentials/cache'
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
} from '../../lib/credentials/option'
import {
  AwsCredentialsError,
  AwsSigV4AbortError,
  AwsSigV4ConfigurationError,
  AwsSigV4Error,
} from '../../lib/errors'
import { installFakeClock, runTimersUntilSettled } from '../support/fake-clock'

const SECOND = 1000
const MINUTE = 60 * SECOND
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY'
const TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN'

function creds(id: string, expiration?: Date): AwsCredentialIdentity {
  return { accessKeyId: id, secretAccessKey: `${SECRET}-${id}`, sessionToken: TOKEN, expiration }
}

interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (err: unknown) => void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (err: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** A provider that answers from a queue of scripted results and counts its calls. */
function scriptedProvider(...answers: Array<() => Promise<unknown> | unknown>) {
  const calls: unknown[] = []
  const provider = ((props?: Record<string, unknown>) => {
    calls.push(props)
    const next = answers[Math.min(calls.length, answers.length) - 1]
    return Promise.resolve().then(next)
  }) as AwsCredentialIdentityProvider
  return { provider, calls }
}

function fakeClock(start = 1_700_000_000_000) {
  const clock = { t: start, now: () => clock.t }
  return clock
}

const flush = () => new Promise((res) => setImmediate(res))

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    expect(err).to.be.instanceOf(Error)
    return err as Error
  }
  throw new Error('expected a rejection')
}

/** Settled state of a promise right now, without waiting for it. */
async function stateOf(promise: Promise<unknown>): Promise<'pending' | 'settled'> {
  let settled = false
  promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  await flush()
  return settled ? 'settled' : 'pending'
}

/**
 * A cache holding credentials 'OLD' that expire in an hour, fetched once; the provider's
 * second call (the refresh) waits on `refresh`.
 */
async function cachedForAnHour() {
  const clock = fakeClock()
  const refresh = deferred<AwsCredentialIdentity>()
  const { provider, calls } = scriptedProvider(
    () => creds('OLD', new Date(clock.t + 60 * MINUTE)),
    () => refresh.promise,
  )
  const cache = new CredentialCache(provider, { now: clock.now })
  await cache.get()
  return { clock, refresh, calls, cache }
}

describe('CredentialCache construction', () => {
  it('names its source', () => {
    expect(new CredentialCache(creds('A')).sourceName).to.equal('static credentials')
    expect(new CredentialCache(async () => creds('A')).sourceName).to.equal(
      'credentials provider function',
    )
    expect(new CredentialCache(undefined).sourceName).to.equal(
      'default credential chain (@aws-sdk/credential-provider-node)',
    )
  })

  it('validates static credentials and options up front', () => {
    const bad = { accessKeyId: 'A' } as unknown as AwsCredentialIdentity
    expect(() => new CredentialCache(bad)).to.throw(AwsSigV4ConfigurationError, /secretAccessKey/)
    expect(() => new CredentialCache(creds('A'), { refreshMarginMs: -1 }))
      .to.throw(AwsSigV4ConfigurationError)
      .with.property('option', 'refreshMarginMs')
    expect(() => new CredentialCache(creds('A'), { maxAgeMs: NaN })).to.throw(
      AwsSigV4ConfigurationError,
      /maxAgeMs/,
    )
    expect(() => new CredentialCache(creds('A'), { providerTimeoutMs: 0 })).to.throw(
      AwsSigV4ConfigurationError,
      /providerTimeoutMs/,
    )
  })
})

describe('CredentialCache with static credentials', () => {
  it('returns the same object forever, even past its expiration and after invalidate()', async () => {
    const clock = fakeClock()
    const value = creds('STATIC', new Date(clock.t + MINUTE))
    const cache = new CredentialCache(value, { now: clock.now })
    expect(await cache.get()).to.equal(value)
    clock.t += 24 * 60 * MINUTE
    cache.invalidate()
    expect(await cache.get()).to.equal(value)
  })
})

describe('CredentialCache with a provider', () => {
  it('reuses credentials without expiration for maxAgeMs, then asks again', async () => {
    const clock = fakeClock()
    const { provider, calls } = scriptedProvider(
      () => creds('FIRST'),
      () => creds('SECOND'),
    )
    const cache = new CredentialCache(provider, { now: clock.now })
    expect((await cache.get()).accessKeyId).to.equal('FIRST')
    clock.t += 10 * MINUTE - 1 // just before the background-refresh point (maxAge - margin)
    expect((await cache.get()).accessKeyId).to.equal('FIRST')
    expect(calls).to.have.length(1)
    clock.t += 5 * MINUTE + 1 // maxAge reached: callers wait for fresh ones
    expect((await cache.get()).accessKeyId).to.equal('SECOND')
    expect(calls).to.have.length(2)
  })

  it('asks the provider with forceRefresh so AWS SDK memoization is bypassed', async () => {
    const { provider, calls } = scriptedProvider(() => creds('A'))
    await new CredentialCache(provider).get()
    expect(calls).to.deep.equal([{ forceRefresh: true }])
  })

  it('refreshes in the background within 2x margin of expiration, serving the cached ones', async () => {
    const { clock, refresh, calls, cache } = await cachedForAnHour()
    clock.t += 50 * MINUTE - 1
    expect((await cache.get()).accessKeyId).to.equal('OLD')
    expect(calls).to.have.length(1)

    clock.t += 1 // 10 min (2x margin) before expiration
    const during = cache.get()
    expect(await stateOf(during)).to.equal('settled')
    expect((await during).accessKeyId).to.equal('OLD')
    expect(calls).to.have.length(2)
    // More requests while the refresh runs: served from cache, no extra provider call.
    for (let i = 0; i < 10; i++) expect((await cache.get()).accessKeyId).to.equal('OLD')
    expect(calls).to.have.length(2)

    refresh.resolve(creds('NEW', new Date(clock.t + 60 * MINUTE)))
    await flush()
    expect((await cache.get()).accessKeyId).to.equal('NEW')
    expect(calls).to.have.length(2)
  })

  it('keeps serving valid credentials when a background refresh fails, and retries later', async () => {
    const clock = fakeClock()
    const expiration = new Date(clock.t + 60 * MINUTE)
    const { provider, calls } = scriptedProvider(
      () => creds('OLD', expiration),
      () => Promise.reject(new Error('IMDS hiccup')),
      () => creds('NEW', new Date(clock.t + 60 * MINUTE)),
    )
    const cache = new CredentialCache(provider, { now: clock.now })
    await cache.get()
    clock.t += 51 * MINUTE
    expect((await cache.get()).accessKeyId).to.equal('OLD') // starts the refresh that fails
    await flush()
    expect(calls).to.have.length(2)
    expect((await cache.get()).accessKeyId).to.equal('OLD') // not poisoned
    clock.t += 9 * SECOND
    expect((await cache.get()).accessKeyId).to.equal('OLD')
    expect(calls).to.have.length(2) // retry pause not over yet
    clock.t += 1 * SECOND
    expect((await cache.get()).accessKeyId).to.equal('OLD') // starts the retry
    await flush()
    expect(calls).to.have.length(3)
    expect((await cache.get()).accessKeyId).to.equal('NEW')
  })

  it('refreshes short-lived credentials in the background every time, not only once per 10 s', async () => {
    // The 10 s pause is for failed background refreshes; a successful one starts a new schedule.
    const clock = fakeClock()
    const { provider, calls } = scriptedProvider(
      () => creds('A', new Date(clock.t + 4 * SECOND)),
      () => creds('B', new Date(clock.t + 4 * SECOND)),
      () => creds('C', new Date(clock.t + 4 * SECOND)),
    )
    const cache = new CredentialCache(provider, { now: clock.now, refreshMarginMs: SECOND })
    await cache.get() // A: served until +3 s, refreshed in the background from +2 s
    clock.t += 2 * SECOND
    expect((await cache.get()).accessKeyId).to.equal('A')
    await flush()
    expect(calls).to.have.length(2)
    expect((await cache.get()).accessKeyId).to.equal('B') // B: background refresh from +4 s
    clock.t += 2 * SECOND
    const next = cache.get()
    expect(await stateOf(next)).to.equal('settled')
    expect((await next).accessKeyId).to.equal('B')
    expect(calls).to.have.length(3)
    await flush()
    expect((await cache.get()).accessKeyId).to.equal('C')
  })

  it('makes callers wait for fresh credentials once past expiration - margin', async () => {
    const { clock, refresh, calls, cache } = await cachedForAnHour()
    clock.t += 55 * MINUTE
    const waiting = [cache.get(), cache.get(), cache.get()]
    expect(await stateOf(Promise.race(waiting))).to.equal('pending')
    refresh.resolve(creds('NEW', new Date(clock.t + 60 * MINUTE)))
    for (const result of await Promise.all(waiting)) expect(result.accessKeyId).to.equal('NEW')
    expect(calls).to.have.length(2)
  })

  it('honours custom refreshMarginMs and maxAgeMs', async () => {
    const clock = fakeClock()
    const { provider, calls } = scriptedProvider(
      () => creds('EXPIRING', new Date(clock.t + 60 * MINUTE)),
      () => creds('NO-EXPIRY'),
      () => creds('AGAIN'),
    )
    const cache = new CredentialCache(provider, {
      now: clock.now,
      refreshMarginMs: MINUTE,
      maxAgeMs: 3 * MINUTE,
    })
    await cache.get()
    clock.t += 58 * MINUTE - 1
    await cache.get()
    expect(calls).to.have.length(1)
    clock.t += 1 // 2 min (2x margin) before expiration: background refresh
    expect((await cache.get()).accessKeyId).to.equal('EXPIRING')
    expect(calls).to.have.length(2)
    await flush()
    const fetchedAt = clock.t
    expect((await cache.get()).accessKeyId).to.equal('NO-EXPIRY')
    clock.t = fetchedAt + 3 * MINUTE // maxAgeMs reached
    expect((await cache.get()).accessKeyId).to.equal('AGAIN')
    expect(calls).to.have.length(3)
  })

  it('reuses short-lived credentials for half their remaining life instead of refetching', async () => {
    const clock = fakeClock()
    const { provider, calls } = scriptedProvider(
      () => creds('SHORT', new Date(clock.t + 2 * MINUTE)),
      () => creds('NEXT', new Date(clock.t + 60 * MINUTE)),
    )
    const cache = new CredentialCache(provider, { now: clock.now })
    await cache.get()
    clock.t += 59 * SECOND
    await cache.get()
    // Background refresh started at half of the 1-minute reuse window.
    expect(calls).to.have.length(2)
    await flush()
    expect((await cache.get()).accessKeyId).to.equal('NEXT')
  })

  it('rejects credentials that are already expired and does not cache them', async () => {
    const clock = fakeClock()
    const { provider, calls } = scriptedProvider(
      () => creds('EXPIRED', new Date(clock.t - 1)),
      () => creds('OK'),
    )
    const cache = new CredentialCache(provider, { now: clock.now })
    const err = await rejectionOf(cache.get())
    expect(err).to.be.instanceOf(AwsCredentialsError)
    expect(err.message).to.match(/already expired/)
    expect((await cache.get()).accessKeyId).to.equal('OK')
    expect(calls).to.have.length(2)
  })

  it('fresh credentials that look expired only through a wrong clock: the clock is corrected, they are used', async () => {
    const machine = fakeClock()
    // The clock runs 20 hours ahead (an offset learned from a wrong Date header).
    let offset = 20 * 3_600_000
    const { provider, calls } = scriptedProvider(() =>
      creds('FRESH', new Date(machine.t + 3_600_000)),
    )
    let corrections = 0
    const cache = new CredentialCache(provider, {
      now: () => machine.t + offset,
      maxAgeMs: 15 * MINUTE,
      onExpiredOnArrival: () => {
        corrections += 1
        const had = offset !== 0
        offset = 0
        return had
      },
    })
    expect((await cache.get()).accessKeyId).to.equal('FRESH')
    expect([calls.length, corrections, offset]).to.deep.equal([1, 1, 0])
    // Cached as usual from then on: refreshed ahead of the real expiry, not at once.
    machine.t += 30 * MINUTE
    expect((await cache.get()).accessKeyId).to.equal('FRESH')
    expect(calls).to.have.length(1)
  })

  it('ages credentials without an expiration on the machine clock, whatever offset is learned', async () => {
    const machine = fakeClock()
    let offset = 0
    const { provider, calls } = scriptedProvider(
      () => creds('FIRST'),
      () => creds('SECOND'),
    )
    const cache = new CredentialCache(provider, {
      now: () => machine.t + offset,
      machineNow: machine.now,
      maxAgeMs: 15 * MINUTE,
    })
    await cache.get()
    // A 15-minute offset learned a minute later does not make them 16 minutes old.
    machine.t += MINUTE
    offset = 15 * MINUTE
    expect((await cache.get()).accessKeyId).to.equal('FIRST')
    expect(calls).to.have.length(1)
    machine.t += 15 * MINUTE
    expect((await cache.get()).accessKeyId).to.equal('SECOND')
  })

  it('credentials still expired once the clock is corrected are refused; the hook is asked once', async () => {
    const clock = fakeClock()
    const { provider } = scriptedProvider(() => creds('OLD', new Date(clock.t - 1)))
    let asked = 0
    const cache = new CredentialCache(provider, {
      now: clock.now,
      onExpiredOnArrival: () => {
        asked += 1
        return true
      },
    })
    const err = await rejectionOf(cache.get())
    expect(err.message).to.match(/already expired/)
    expect(asked).to.equal(1)
  })

  it('validates every provider result: garbage is an AwsCredentialsError naming the field', async () => {
    const { provider, calls } = scriptedProvider(
      () => ({ accessKeyId: 'AKID', secretAccessKey: SECRET, sessionToken: 42 }),
      () => ({ accessKeyId: 'AKID' }),
      () => undefined,
      () => creds('GOOD'),
    )
    const cache = new CredentialCache(provider)
    const e1 = await rejectionOf(cache.get())
    expect(e1).to.be.instanceOf(AwsCredentialsError)
    expect(e1.message).to.match(/invalid credentials: `sessionToken` must be a string/)
    expect(e1.message).not.to.include(SECRET)
    expect((await rejectionOf(cache.get())).message).to.match(/`secretAccessKey`.*got undefined/)
    expect((await rejectionOf(cache.get())).message).to.match(/got undefined/)
    expect((await cache.get()).accessKeyId).to.equal('GOOD')
    expect(calls).to.have.length(4)
  })

  it('wraps a provider failure in AwsCredentialsError (a ConnectionError), then asks again', async () => {
    const cause = new Error('Could not load credentials from any providers')
    const { provider, calls } = scriptedProvider(
      () => Promise.reject(cause),
      () => creds('LATER'),
    )
    const cache = new CredentialCache(provider)
    const err = (await rejectionOf(cache.get())) as AwsCredentialsError
    expect(err).to.be.instanceOf(AwsCredentialsError).and.instanceOf(AwsSigV4Error)
    expect(err.name).to.equal('ConnectionError')
    expect(err.source).to.equal('credentials provider function')
    expect(err.cause).to.equal(cause)
    expect(err.message).to.include('credentials provider function')
    expect(err.message).to.include('Could not load credentials from any providers')
    expect(err.message).to.match(/To fix: check the function passed as the `credentials` option/)
    expect((await cache.get()).accessKeyId).to.equal('LATER')
    expect(calls).to.have.length(2)
  })

  it('wraps a provider that throws synchronously', async () => {
    const provider = (() => {
      throw new TypeError('not configured')
    }) as unknown as AwsCredentialIdentityProvider
    const err = await rejectionOf(new CredentialCache(provider).get())
    expect(err).to.be.instanceOf(AwsCredentialsError)
    expect(err.message).to.include('TypeError: not configured')
  })

  it('times out a hung provider, asks again next time and discards the late answer', async () => {
    const hung = deferred<AwsCredentialIdentity>()
    const { provider, calls } = scriptedProvider(
      () => hung.promise,
      () => creds('SECOND'),
    )
    // On a fake clock, timers run in order until the call fails: it took exactly the timeout.
    const clock = installFakeClock()
    let err: Error & { cause?: unknown }
    let elapsed: number
    try {
      const cache = new CredentialCache(provider, { providerTimeoutMs: 50 })
      const started = Date.now()
      const failing = rejectionOf(cache.get())
      await runTimersUntilSettled(clock, failing)
      err = await failing
      elapsed = Date.now() - started
      expect((await cache.get()).accessKeyId).to.equal('SECOND')
      hung.resolve(creds('LATE'))
      await flush()
      expect((await cache.get()).accessKeyId).to.equal('SECOND')
    } finally {
      clock.uninstall()
    }
    expect(elapsed).to.equal(50)
    expect(err).to.be.instanceOf(AwsCredentialsError)
    expect(err.message).to.match(/timed out after 50 ms/)
    expect(err.cause).to.equal(undefined) // no internal timer error leaks out as the cause
    // Asked again after the timeout; the late answer was discarded, not cached.
    expect(calls).to.have.length(2)
  })

  it("a request's shorter timeout bounds its wait; the fetch goes on for the others and is cached", async () => {
    const slow = deferred<AwsCredentialIdentity>()
    const { provider, calls } = scriptedProvider(() => slow.promise)
    const clock = installFakeClock()
    let err: Error
    let elapsed: number
    let patient: Promise<AwsCredentialIdentity>
    try {
      const cache = new CredentialCache(provider, { providerTimeoutMs: 10 * SECOND })
      const started = Date.now()
      patient = cache.get()
      const failing = rejectionOf(cache.get(undefined, 2 * SECOND))
      await runTimersUntilSettled(clock, failing)
      err = await failing
      elapsed = Date.now() - started
      slow.resolve(creds('SLOW'))
      expect((await patient).accessKeyId).to.equal('SLOW')
      expect((await cache.get(undefined, 2 * SECOND)).accessKeyId).to.equal('SLOW')
    } finally {
      clock.uninstall()
    }
    expect(elapsed).to.equal(2 * SECOND)
    expect(err).to.be.instanceOf(AwsCredentialsError)
    expect(err.message).to.match(/timed out after 2000 ms, the request's timeout/)
    expect(calls).to.have.length(1)
  })

  it('single flight: 1,000 concurrent cold get() calls make exactly one provider call', async () => {
    const answer = deferred<AwsCredentialIdentity>()
    const { provider, calls } = scriptedProvider(() => answer.promise)
    const cache = new CredentialCache(provider)
    const all = Array.from({ length: 1000 }, () => cache.get())
    await flush()
    answer.resolve(creds('ONE'))
    const results = await Promise.all(all)
    expect(calls).to.have.length(1)
    expect(new Set(results).size).to.equal(1)
  })

  it('single flight also for failures: 1,000 callers share one failing call', async () => {
    const { provider, calls } = scriptedProvider(() => Promise.reject(new Error('denied')))
    const cache = new CredentialCache(provider)
    const results = await Promise.allSettled(Array.from({ length: 1000 }, () => cache.get()))
    expect(calls).to.have.length(1)
    expect(results.every((r) => r.status === 'rejected')).to.equal(true)
  })

  it('rejects at once with AwsSigV4AbortError for an already-aborted signal', async () => {
    const { provider, calls } = scriptedProvider(() => creds('A'))
    const cache = new CredentialCache(provider)
    const err = await rejectionOf(cache.get(AbortSignal.abort()))
    expect(err).to.be.instanceOf(AwsSigV4AbortError)
    expect(err.name).to.equal('RequestAbortedError')
    expect(calls).to.have.length(0)
  })

  it('an abort while waiting rejects that caller promptly; the shared fetch continues', async () => {
    const answer = deferred<AwsCredentialIdentity>()
    const { provider, calls } = scriptedProvider(() => answer.promise)
    const cache = new CredentialCache(provider)
    const controller = new AbortController()
    const aborted = cache.get(controller.signal)
    const other = cache.get(new AbortController().signal)
    await flush()
    controller.abort()
    const err = await rejectionOf(aborted)
    expect(err).to.be.instanceOf(AwsSigV4AbortError)
    expect(await stateOf(other)).to.equal('pending')
    answer.resolve(creds('SHARED'))
    expect((await other).accessKeyId).to.equal('SHARED')
    expect((await cache.get()).accessKeyId).to.equal('SHARED')
    expect(calls).to.have.length(1)
  })

  it('invalidate() makes the next get() fetch fresh credentials, with single flight', async () => {
    const { provider, calls } = scriptedProvider(
      () => creds('FIRST'),
      () => creds('SECOND'),
    )
    const cache = new CredentialCache(provider)
    await cache.get()
    cache.invalidate()
    const results = await Promise.all(Array.from({ length: 100 }, () => cache.get()))
    expect(results.every((c) => c.accessKeyId === 'SECOND')).to.equal(true)
    expect(calls).to.have.length(2)
  })

  it('invalidate(stale) is ignored once the cache holds newer credentials', async () => {
    const { provider, calls } = scriptedProvider(
      () => creds('FIRST'),
      () => creds('SECOND'),
      () => creds('THIRD'),
    )
    const cache = new CredentialCache(provider)
    const first = await cache.get()
    // Many requests signed with `first` fail at once; each reports it.
    cache.invalidate(first)
    const second = await cache.get()
    cache.invalidate(first)
    cache.invalidate(first)
    expect(await cache.get()).to.equal(second)
    expect(calls).to.have.length(2)
    cache.invalidate(second)
    expect((await cache.get()).accessKeyId).to.equal('THIRD')
  })
})

describe('CredentialCache.peek: credentials at hand, without a promise', () => {
  it('gives static credentials, forever', () => {
    const clock = fakeClock()
    const value = creds('STATIC', new Date(clock.t + MINUTE))
    const cache = new CredentialCache(value, { now: clock.now })
    expect(cache.peek()).to.equal(value)
    clock.t += 24 * 60 * MINUTE
    expect(cache.peek()).to.equal(value)
  })

  it('gives nothing before the first fetch, and asks no provider', async () => {
    const { provider, calls } = scriptedProvider(() => creds('A'))
    const cache = new CredentialCache(provider)
    expect(cache.peek()).to.equal(undefined)
    await flush()
    expect(calls).to.have.length(0)
  })

  it('gives what get() resolved while fresh, nothing once stale or invalidated', async () => {
    const clock = fakeClock()
    const { provider } = scriptedProvider(
      () => creds('A', new Date(clock.t + 60 * MINUTE)),
      () => creds('B', new Date(clock.t + 60 * MINUTE)),
    )
    const cache = new CredentialCache(provider, { now: clock.now })
    const first = await cache.get()
    expect(cache.peek()).to.equal(first)
    clock.t += 55 * MINUTE // the stale point (expiration - margin)
    expect(cache.peek()).to.equal(undefined)
    const second = await cache.get()
    expect(second.accessKeyId).to.equal('B')
    expect(cache.peek()).to.equal(second)
    cache.invalidate(second)
    expect(cache.peek()).to.equal(undefined)
  })

  it('starts the due background refresh once, as get() does, and serves the cached ones meanwhile', async () => {
    const { clock, refresh, calls, cache } = await cachedForAnHour()
    clock.t += 50 * MINUTE // 2x margin before expiration
    for (let i = 0; i < 10; i++) expect(cache.peek()?.accessKeyId).to.equal('OLD')
    await flush()
    expect(calls).to.have.length(2)
    refresh.resolve(creds('NEW', new Date(clock.t + 60 * MINUTE)))
    await flush()
    expect(cache.peek()?.accessKeyId).to.equal('NEW')
    expect(calls).to.have.length(2)
  })
})

describe('CredentialCache never leaks secrets', () => {
  it('util.inspect and JSON.stringify show no secret or token', async () => {
    const staticCache = new CredentialCache(creds('AKIDSTATIC'))
    const providerCache = new CredentialCache(async () => creds('AKIDPROVIDED'))
    await staticCache.get()
    await providerCache.get()
    for (const cache of [staticCache, providerCache]) {
      for (const text of [
        inspect(cache, { depth: Infinity, showHidden: true }),
        JSON.stringify(cache),
      ]) {
        expect(text).not.to.include(SECRET)
        expect(text).not.to.include(TOKEN)
        expect(text).not.to.include('AKID')
      }
    }
  })

  it('errors after a refresh failure carry no secret of the cached credentials', async () => {
    const { provider } = scriptedProvider(
      () => creds('AKIDLEAK'),
      () => Promise.reject(new Error('ExpiredToken: the security token included is expired')),
    )
    const cache = new CredentialCache(provider)
    const used = await cache.get()
    cache.invalidate(used)
    const err = await rejectionOf(cache.get())
    for (const text of [err.message, String(err.stack), inspect(err, { depth: Infinity })]) {
      expect(text).not.to.include(SECRET)
      expect(text).not.to.include(TOKEN)
    }
    expect(err.message).to.include('ExpiredToken')
  })
})

describe('CredentialCache default chain (child processes)', function () {
  this.timeout(30_000)
  const libPath = resolve(__dirname, '../../lib/index.ts')
  let dir: string
  let cleanEnv: NodeJS.ProcessEnv

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'credentials-test-'))
    writeFileSync(join(dir, 'config'), '')
    writeFileSync(join(dir, 'credentials'), '')
    // Nothing from the developer's or CI's AWS setup may leak into these runs.
    cleanEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')),
    )
    Object.assign(cleanEnv, {
      HOME: dir,
      USERPROFILE: dir,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    })
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  /** Runs `body` (CommonJS, with `lib` = the main entry) and parses the JSON it prints. */
  function runChild(
    body: string,
    env: NodeJS.ProcessEnv = {},
    flags: string[] = [],
  ): Promise<Record<string, unknown>> {
    const script = `
      const lib = require(${JSON.stringify(libPath)})
      const loaded = () => Object.keys(require.cache).some((k) => k.includes('credential-provider-node'))
      ;(async () => { ${body} })().then(
        (out) => process.stdout.write(JSON.stringify(out)),
        (err) => { process.stderr.write(String(err && err.stack)); process.exit(1) },
      )`
    return new Promise((res, rej) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', ...flags, '-e', script],
        { env: { ...cleanEnv, ...env }, timeout: 20_000 },
        (err, stdout, stderr) =>
          err ? rej(new Error(`${err.message}\n${stderr}`)) : res(JSON.parse(stdout)),
      )
    })
  }

  it('does not load @aws-sdk/credential-provider-node when credentials are passed', async () => {
    const out = await runChild(`
      const before = loaded()
      const cache = new lib.CredentialCache({ accessKeyId: 'A', secretAccessKey: 'B' })
      await cache.get()
      const afterStatic = loaded()
      await new lib.CredentialCache(async () => ({ accessKeyId: 'A', secretAccessKey: 'B' })).get()
      const afterProvider = loaded()
      const chain = new lib.CredentialCache(undefined)
      const afterConstruct = loaded()
      await chain.get().catch(() => {})
      return { before, afterStatic, afterProvider, afterConstruct, afterChain: loaded() }
    `)
    expect(out).to.deep.equal({
      before: false,
      afterStatic: false,
      afterProvider: false,
      afterConstruct: false,
      afterChain: true, // control: the check does see the module once the chain is used
    })
  })

  it('returns the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN values', async () => {
    const out = await runChild(
      `
      const c = await new lib.CredentialCache(undefined).get()
      return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken }
    `,
      {
        AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
        AWS_SECRET_ACCESS_KEY: 'secret-from-env',
        AWS_SESSION_TOKEN: 'token-from-env',
      },
    )
    expect(out).to.deep.equal({
      accessKeyId: 'AKIDFROMENV',
      secretAccessKey: 'secret-from-env',
      sessionToken: 'token-from-env',
    })
  })

  it('answers from AWS_* without loading the chain when no profile is selected', async () => {
    const keys = { AWS_ACCESS_KEY_ID: 'AKIDFROMENV', AWS_SECRET_ACCESS_KEY: 'secret-from-env' }
    const body = `
      const c = await new lib.CredentialCache(undefined).get()
      return { accessKeyId: c.accessKeyId, chainLoaded: loaded() }
    `
    expect(await runChild(body, keys)).to.deep.equal({
      accessKeyId: 'AKIDFROMENV',
      chainLoaded: false,
    })
    // With a profile the chain skips the environment, so it must be asked.
    writeFileSync(
      join(dir, 'credentials'),
      '[p]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n',
    )
    try {
      expect(await runChild(body, { ...keys, AWS_PROFILE: 'p' })).to.deep.equal({
        accessKeyId: 'AKIDPROFILE',
        chainLoaded: true,
      })
    } finally {
      writeFileSync(join(dir, 'credentials'), '')
    }
  })

  it('says the chain is missing, not how to configure credentials, when it cannot be imported', async () => {
    // A resolve hook makes the package unresolvable, as in a bundle built with @aws-sdk/*
    // external run where no runtime provides it (test/examples/lambda-bundles.test.ts has the real one).
    const hook = join(dir, 'hide-chain.mjs')
    writeFileSync(
      hook,
      `export async function resolve(specifier, context, next) {
        if (specifier !== '@aws-sdk/credential-provider-node') return next(specifier, context)
        const err = new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL)
        err.code = 'ERR_MODULE_NOT_FOUND'
        throw err
      }`,
    )
    const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(pathToFileURL(hook).href)})`
    const out = await runChild(
      `try { await new lib.CredentialCache(undefined).get(); return { ok: true } }
       catch (err) { return { isCredentialsError: err instanceof lib.AwsCredentialsError, message: err.message, code: err.cause && err.cause.code } }`,
      {},
      ['--import', register],
    )
    expect(out.isCredentialsError).to.equal(true)
    expect(out.code).to.equal('ERR_MODULE_NOT_FOUND')
    expect(out.message).to.match(
      /^Could not get AWS credentials from the default credential chain \(@aws-sdk\/credential-provider-node\): could not be loaded: Error: Cannot find package '@aws-sdk\/credential-provider-node'/,
    )
    expect(out.message).to.include(
      'To fix: install @aws-sdk/credential-provider-node where the code runs',
    )
    expect(out.message).not.to.include('AWS_PROFILE')
  })

  it('re-reads a rotated shared credentials file (AWS_PROFILE) at the next re-ask, as the emulator sees', async () => {
    const file = join(dir, 'rotated-credentials')
    const profile = (key: string): string =>
      `[rotating]\naws_access_key_id = ${key}\naws_secret_access_key = secret-${key}\n`
    writeFileSync(file, profile('AKIDROTATEDA'))
    const out = await runChild(
      `
      const { writeFileSync } = require('node:fs')
      const { Client } = require('@elastic/elasticsearch')
      const { startEmulator } = require(${JSON.stringify(resolve(__dirname, '../../lib/testing/index.ts'))})
      const emu = await startEmulator({
        credentials: [
          { accessKeyId: 'AKIDROTATEDA', secretAccessKey: 'secret-AKIDROTATEDA' },
          { accessKeyId: 'AKIDROTATEDB', secretAccessKey: 'secret-AKIDROTATEDB' },
        ],
        region: 'eu-west-1',
      })
      // Re-ask the chain on every request, so no waiting is needed.
      const Connection = lib.createAwsSigV4Connection({ region: 'eu-west-1', credentialsMaxAgeMs: 0 })
      const client = new Client({ node: emu.url, Connection })
      try {
        await client.info()
        writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, ${JSON.stringify(profile('AKIDROTATEDB'))})
        await client.info()
        return { keys: emu.verdicts.map((v) => v.accessKeyId), ok: emu.verdicts.map((v) => v.ok) }
      } finally {
        await client.close()
        await emu.close()
      }
    `,
      { AWS_SHARED_CREDENTIALS_FILE: file, AWS_PROFILE: 'rotating' },
    )
    expect(out).to.deep.equal({ keys: ['AKIDROTATEDA', 'AKIDROTATEDB'], ok: [true, true] })
  })

  it('fails with AwsCredentialsError, quickly, when nothing is configured', async () => {
    const out = await runChild(`
      const cache = new lib.CredentialCache(undefined, { providerTimeoutMs: 8000 })
      try {
        await cache.get()
        return { ok: true }
      } catch (err) {
        return {
          isCredentialsError: err instanceof lib.AwsCredentialsError,
          name: err.name,
          source: err.source,
          message: err.message,
        }
      }
    `)
    expect(out.isCredentialsError).to.equal(true)
    expect(out.name).to.equal('ConnectionError')
    expect(out.source).to.equal('default credential chain (@aws-sdk/credential-provider-node)')
    // Quickly: the chain itself gave up before the 8 s providerTimeoutMs fired (no IMDS wait).
    // That timer is the bound, so no wall-clock check is needed for it.
    expect(out.message).not.to.match(/timed out/)
    expect(out.message).to.include('AWS_PROFILE')
    expect(out.message).to.include('IMDS')
  })
})

describe('CredentialCache: whatever a provider throws or returns, an AwsCredentialsError', () => {
  /** Every way a user might print an error, its cause included. */
  const shown = (err: Error): string =>
    [
      err.message,
      err.stack ?? '',
      inspect(err, { depth: null, showHidden: true }),
      JSON.stringify(err),
      inspect((err as { cause?: unknown }).cause, { depth: null }),
    ].join('\n')

  it('a message quoting the secret key or token it handed over: redacted, the cause left out', async () => {
    const first = creds('FIRST')
    const { provider } = scriptedProvider(
      () => first,
      () => {
        throw new Error(`refresh failed for secret=${first.secretAccessKey} token ${TOKEN}`)
      },
    )
    const cache = new CredentialCache(provider)
    await cache.get()
    cache.invalidate()
    const err = await rejectionOf(cache.get())
    expect(err).to.be.instanceOf(AwsCredentialsError)
    expect(err.message).to.include(
      'refresh failed for secret=<redacted secret access key> token <redacted session token>',
    )
    expect(shown(err)).not.to.include(first.secretAccessKey)
    expect(shown(err)).not.to.include(TOKEN)
    expect((err as { cause?: unknown }).cause).to.equal(undefined)
  })

  it('a message quoting AWS_SECRET_ACCESS_KEY or AWS_SESSION_TOKEN, in any encoding: redacted', async () => {
    const saved = { ...process.env }
    process.env.AWS_SECRET_ACCESS_KEY = 'EnvSecret/Key+Value0123456789abcdefghij'
    process.env.AWS_SESSION_TOKEN = 'EnvSessionToken/With+Chars=='
    try {
      const { provider } = scriptedProvider(() => {
        throw new Error(
          `bad profile: {"key":"${process.env.AWS_SECRET_ACCESS_KEY?.replace(/\//g, '\\/')}",` +
            `"token":"${encodeURIComponent(process.env.AWS_SESSION_TOKEN ?? '')}"}`,
        )
      })
      const err = await rejectionOf(new CredentialCache(provider).get())
      expect(err).to.be.instanceOf(AwsCredentialsError)
      expect(err.message).to.include(
        'bad profile: {"key":"<redacted secret access key>","token":"<redacted session token>"}',
      )
    } finally {
      process.env = saved
    }
  })

  it('a secret past the 500-character cut is redacted before the message is shortened', async () => {
    const first = creds('FIRST')
    const { provider } = scriptedProvider(
      () => first,
      () => {
        throw new Error(`${'x'.repeat(480)} ${first.secretAccessKey}`)
      },
    )
    const cache = new CredentialCache(provider)
    await cache.get()
    cache.invalidate()
    const err = await rejectionOf(cache.get())
    expect(err.message).not.to.include(first.secretAccessKey.slice(0, 12))
  })

  const unreadable: Array<[string, () => unknown]> = [
    [
      'an object whose accessKeyId getter throws',
      () => ({
        get accessKeyId(): string {
          throw new Error('getter exploded with secret sk-123')
        },
        secretAccessKey: 's',
      }),
    ],
    [
      'a Proxy that refuses every read',
      () =>
        new Proxy(
          {},
          {
            get() {
              throw new TypeError('no reads')
            },
            getOwnPropertyDescriptor() {
              throw new TypeError('no reads')
            },
          },
        ),
    ],
    [
      'an expiration that is a Proxy of a Date',
      () => ({ ...creds('P'), expiration: new Proxy(new Date(Date.now() + 3_600_000), {}) }),
    ],
  ]
  for (const [name, value] of unreadable) {
    it(`returns ${name}: AwsCredentialsError, nothing of what it threw`, async () => {
      const { provider } = scriptedProvider(value)
      const err = await rejectionOf(new CredentialCache(provider).get())
      expect(err).to.be.instanceOf(AwsCredentialsError)
      // (A Proxy refuses even `then`, which awaiting it reads: the provider's promise fails.)
      expect(err.message).to.match(/could not be read|failed: TypeError: no reads/)
      expect(err.message).not.to.include('sk-123')
    })
  }

  const unreadableThrows: Array<[string, () => unknown]> = [
    [
      'an Error whose message getter throws',
      () => {
        const err = new Error('x')
        Object.defineProperty(err, 'message', {
          get() {
            throw new Error('nope')
          },
        })
        return err
      },
    ],
    [
      'a Proxy that refuses even instanceof',
      () =>
        new Proxy(
          {},
          {
            getPrototypeOf() {
              throw new TypeError('no')
            },
          },
        ),
    ],
  ]
  for (const [name, thrown] of unreadableThrows) {
    it(`throws ${name}: AwsCredentialsError`, async () => {
      const { provider } = scriptedProvider(() => {
        throw thrown()
      })
      const err = await rejectionOf(new CredentialCache(provider).get())
      expect(err).to.be.instanceOf(AwsCredentialsError)
      expect(err.message).to.match(/failed: threw .*, which could not be read/)
    })
  }

  it('static credentials whose getter throws: AwsSigV4ConfigurationError naming credentials', () => {
    const value = {
      get accessKeyId(): string {
        throw new Error('boom')
      },
      secretAccessKey: 's',
    }
    let err: unknown
    try {
      new CredentialCache(value as never)
    } catch (e) {
      err = e
    }
    expect(err).to.be.instanceOf(AwsSigV4ConfigurationError)
    expect((err as AwsSigV4ConfigurationError).option).to.equal('credentials')
    expect((err as Error).message).to.match(/could not be read/)
  })
})

describe('CredentialCache: credentials just fetched and a clock offset', () => {
  /** A cache on a machine clock and an offset the test sets, with one-hour credentials. */
  function setUp() {
    const machine = fakeClock()
    const clock = { offset: 0 }
    const { provider, calls } = scriptedProvider(() =>
      creds(`C${calls.length}`, new Date(machine.t + HOUR)),
    )
    const cache = new CredentialCache(provider, {
      now: () => machine.t + clock.offset,
      machineNow: machine.now,
      onExpiredOnArrival: () => {
        const had = clock.offset !== 0
        clock.offset = 0
        return had
      },
    })
    return { machine, clock, cache, calls }
  }
  const HOUR = 60 * MINUTE

  it('an offset they would look expired under is contradicted, for the refetch pause only', async () => {
    const { machine, cache } = setUp()
    await cache.get()
    expect(cache.contradictedBy(5 * HOUR)).to.equal(true)
    expect(cache.contradictedBy(HOUR - 30 * SECOND)).to.equal(true) // all but expired
    expect(cache.contradictedBy(15 * MINUTE)).to.equal(false) // a clock 15 minutes off
    expect(cache.contradictedBy(-5 * HOUR)).to.equal(false) // behind makes nothing expire
    machine.t += REFETCH_PAUSE_MS
    expect(cache.contradictedBy(5 * HOUR)).to.equal(false)
  })

  it('an offset learned right after the fetch makes them neither stale nor due for a refresh', async () => {
    const { machine, clock, cache, calls } = setUp()
    await cache.get()
    clock.offset = 58 * MINUTE // past their stale point, were it applied
    machine.t += 10 * SECOND
    expect(cache.peek()?.accessKeyId).to.equal('C1')
    await flush()
    expect(calls).to.have.length(1)
    // Once the pause is over, the offset counts: they are stale.
    machine.t += REFETCH_PAUSE_MS
    expect(cache.peek()).to.equal(undefined)
  })

  it('fresh ones with less than the pause left only through the offset: the offset is dropped', async () => {
    const { clock, cache, calls } = setUp()
    clock.offset = HOUR - 20 * SECOND
    expect((await cache.get()).accessKeyId).to.equal('C1')
    expect(clock.offset).to.equal(0)
    expect(calls).to.have.length(1)
  })
})
