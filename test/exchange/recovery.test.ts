import { expect } from 'chai'
import { RefetchGate, sameIdentity } from '../../lib/exchange/recovery'

const A = { accessKeyId: 'AKIDA', secretAccessKey: 's', sessionToken: 't' }

describe('recovery: telling whether a retry sends something new', () => {
  it('the same key and token are the same identity, whatever the object or the secret', () => {
    expect(sameIdentity(A, { ...A })).to.equal(true)
    expect(sameIdentity(A, { ...A, secretAccessKey: 'other' })).to.equal(true)
    expect(sameIdentity(A, { ...A, sessionToken: 'new' })).to.equal(false)
    expect(sameIdentity(A, { ...A, accessKeyId: 'AKIDB' })).to.equal(false)
    expect(sameIdentity(A, { accessKeyId: 'AKIDA', secretAccessKey: 's' })).to.equal(false)
  })
})

describe('recovery: the refetch gate', () => {
  const setUp = () => {
    const clock = { t: 0 }
    return { clock, gate: new RefetchGate(() => clock.t, 60_000) }
  }

  it('lets the first rejection refetch, and every request signed before it share that', () => {
    const { gate } = setUp()
    const before = [gate.stamp(), gate.stamp()]
    expect(gate.allows(A, before[0])).to.equal(true)
    gate.note(A)
    expect(gate.allows(A, before[1])).to.equal(true)
    gate.note(A)
  })

  it('refuses, within the pause, a rejection of a request signed after the refetch was asked for', () => {
    const { gate, clock } = setUp()
    gate.note(A)
    const fresh = { ...A, accessKeyId: 'AKIDB' }
    const after = gate.stamp()
    expect(gate.allows(fresh, after)).to.equal(false)
    // Also when the provider handed back the very same object.
    expect(gate.allows(A, after)).to.equal(false)
    clock.t += 59_999
    expect(gate.allows(fresh, after)).to.equal(false)
    clock.t += 1
    expect(gate.allows(fresh, after)).to.equal(true)
  })

  it('starts a new pause from the next refetch', () => {
    const { gate, clock } = setUp()
    gate.note(A)
    clock.t += 60_000
    const fresh = { ...A, accessKeyId: 'AKIDB' }
    gate.note(fresh)
    clock.t += 1000
    expect(gate.allows({ ...A, accessKeyId: 'AKIDC' }, gate.stamp())).to.equal(false)
  })
})
