import { expect } from 'chai'
import { installFakeClock, type InstalledClock } from '../../support/fake-clock'
import { BudgetTimeoutError, ByteBudget } from '../../../lib/cli/proxy/budget'
import { Departure } from '../../../lib/cli/proxy/departure'

describe('proxy: the budget of buffered request bodies', () => {
  let clock: InstalledClock
  beforeEach(() => (clock = installFakeClock()))
  afterEach(() => clock.uninstall())

  it('admits what fits at once, and counts what is held and the peak', async () => {
    const budget = new ByteBudget(100, 1000)
    await budget.take(60)
    expect(budget.tryTake(40)).to.equal(true)
    expect(budget.tryTake(1)).to.equal(false)
    expect(budget.inUse).to.equal(100)
    budget.give(60)
    expect(budget.inUse).to.equal(40)
    expect(budget.peak).to.equal(100)
  })

  it('lets waiters in first come, first served, as room is given back', async () => {
    const budget = new ByteBudget(100, 1000)
    await budget.take(100)
    const order: string[] = []
    const big = budget.take(80).then(() => order.push('big'))
    const small = budget.take(10).then(() => order.push('small'))
    expect(budget.waiting).to.equal(2)
    // The small one fits, but waits its turn behind the big one.
    expect(budget.tryTake(10)).to.equal(false)
    budget.give(50)
    await Promise.resolve()
    expect(order).to.deep.equal([])
    budget.give(50)
    await Promise.all([big, small])
    expect(order).to.deep.equal(['big', 'small'])
    expect(budget.inUse).to.equal(90)
    expect(budget.peak).to.equal(100)
  })

  it('a waiter that gets no room within waitMs is refused, and lets the ones behind it in', async () => {
    const budget = new ByteBudget(100, 1000)
    await budget.take(50)
    const big = budget.take(80)
    const small = budget.take(40)
    const bigFailed = big.then(
      () => 'admitted',
      (err: unknown) => err,
    )
    await clock.tickAsync(999)
    expect(budget.waiting).to.equal(2)
    await clock.tickAsync(1)
    const err = await bigFailed
    expect(err).to.be.instanceOf(BudgetTimeoutError)
    await small
    expect(budget.inUse).to.equal(90)
    expect(budget.waiting).to.equal(0)
  })

  it('a client that goes leaves the line at once; more than the whole budget is refused without waiting', async () => {
    const budget = new ByteBudget(100, 1000)
    await budget.take(100)
    const departure = new Departure()
    const waiting = budget.take(10, departure)
    departure.leave(new Error('client gone'))
    await waiting.then(
      () => expect.fail('admitted'),
      (err: Error) => expect(err.message).to.equal('client gone'),
    )
    expect(budget.waiting).to.equal(0)
    await budget.take(101).then(
      () => expect.fail('admitted'),
      (err: unknown) => expect(err).to.be.instanceOf(RangeError),
    )
    expect(clock.countTimers()).to.equal(0)
  })
})
