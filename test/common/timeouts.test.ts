import { expect } from 'chai'
import { withAbort, withTimeout } from '../../lib/common/timeouts'

const failure = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (err: unknown) => err,
  )

describe('timeouts: bounding a wait', () => {
  it('withAbort: the promise as it is without a signal, its value or error while not aborted', async () => {
    const p = Promise.resolve(1)
    expect(withAbort(p, undefined, () => new Error('x'))).to.equal(p)
    const controller = new AbortController()
    expect(await withAbort(Promise.resolve(2), controller.signal, () => new Error('x'))).to.equal(2)
    const boom = new Error('boom')
    expect(
      await failure(withAbort(Promise.reject(boom), controller.signal, () => new Error('x'))),
    ).to.equal(boom)
  })

  it('withAbort: the abort error as soon as the signal fires, or at once if it already has', async () => {
    const aborted = new Error('aborted')
    const controller = new AbortController()
    const never = new Promise<never>(() => {})
    const waiting = failure(withAbort(never, controller.signal, () => aborted))
    controller.abort()
    expect(await waiting).to.equal(aborted)
    expect(await failure(withAbort(never, controller.signal, () => aborted))).to.equal(aborted)
  })

  it('withAbort: the listener goes once the promise settles', async () => {
    const controller = new AbortController()
    let listeners = 0
    const add = controller.signal.addEventListener.bind(controller.signal)
    const remove = controller.signal.removeEventListener.bind(controller.signal)
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners += 1
      add(...args)
    }) as typeof add
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners -= 1
      remove(...args)
    }) as typeof remove
    await withAbort(Promise.resolve(1), controller.signal, () => new Error('x'))
    await failure(
      withAbort(Promise.reject(new Error('y')), controller.signal, () => new Error('x')),
    )
    expect(listeners).to.equal(0)
  })

  it('withTimeout: the timed-out error after ms, and no timer for a wait a timer cannot hold', async () => {
    const never = new Promise<never>(() => {})
    const timedOut = new Error('timed out')
    expect(await failure(withTimeout(never, 5, () => timedOut))).to.equal(timedOut)
    expect(withTimeout(never, Infinity, () => timedOut)).to.equal(never)
    expect(withTimeout(never, 2 ** 31, () => timedOut)).to.equal(never)
    expect(await withTimeout(Promise.resolve(3), 1000, () => timedOut)).to.equal(3)
  })
})
