import { expect } from 'chai'
import { CredentialCache } from '../../lib/credentials/cache'
import { awsSdkV2Provider, isAwsSdkV2Credentials } from '../../lib/credentials/aws-sdk-v2'
import { AwsCredentialsError } from '../../lib/errors'
import { V2Credentials } from '../support/aws-sdk-v2-credentials'

const MINUTE = 60_000
const T0 = 1_700_000_000_000

/** A v2 object that hands out key 1, 2, 3, … on each load, each valid for an hour from `now`. */
function rotating(clock: { t: number }) {
  let n = 0
  return new V2Credentials(
    () => {
      n += 1
      return {
        accessKeyId: `ASIAV2KEY${n}`,
        secretAccessKey: `v2-secret-${n}`,
        sessionToken: `v2-token-${n}`,
        expireTime: new Date(clock.t + 60 * MINUTE),
      }
    },
    () => clock.t,
  )
}

describe('aws-sdk v2 credentials objects', () => {
  it('are recognised by getPromise(); v3 identities and providers are not', () => {
    expect(
      isAwsSdkV2Credentials(new V2Credentials(() => ({ accessKeyId: 'A', secretAccessKey: 'S' }))),
    ).to.equal(true)
    expect(isAwsSdkV2Credentials({ accessKeyId: 'A', secretAccessKey: 'S' })).to.equal(false)
    expect(isAwsSdkV2Credentials(async () => ({}))).to.equal(false)
    expect(isAwsSdkV2Credentials(null)).to.equal(false)
  })

  it('CredentialCache asks them through getPromise() and names them as the source', async () => {
    const clock = { t: T0 }
    const v2 = rotating(clock)
    const cache = new CredentialCache(v2, { now: () => clock.t })
    expect(cache.sourceName).to.equal('aws-sdk v2 credentials object')
    const first = await cache.get()
    expect(first).to.deep.include({ accessKeyId: 'ASIAV2KEY1', sessionToken: 'v2-token-1' })
    expect(first.expiration?.getTime()).to.equal(T0 + 60 * MINUTE)
    await cache.get()
    expect(v2.calls).to.deep.equal({ getPromise: 1, refreshPromise: 0, load: 1 })
  })

  it('honours expireTime: fresh keys once within the refresh margin of it, before AWS refuses them', async () => {
    const clock = { t: T0 }
    const v2 = rotating(clock)
    const cache = new CredentialCache(v2, { now: () => clock.t })
    await cache.get()
    clock.t = T0 + 49 * MINUTE // 11 min left: served from the cache, no call
    expect((await cache.get()).accessKeyId).to.equal('ASIAV2KEY1')
    expect(v2.calls.getPromise).to.equal(1)
    clock.t = T0 + 56 * MINUTE // 4 min left, within the 5 min margin
    const fresh = await cache.get()
    expect(fresh.accessKeyId).to.equal('ASIAV2KEY2')
    expect(fresh.expiration?.getTime()).to.equal(T0 + 116 * MINUTE)
    // aws-sdk v2 itself would refresh only within 15 s of expireTime: it is made to reload.
    expect(v2.calls).to.deep.equal({ getPromise: 2, refreshPromise: 1, load: 2 })
  })

  it('keys AWS rejected are reloaded, not handed back', async () => {
    const clock = { t: T0 }
    const v2 = rotating(clock)
    const cache = new CredentialCache(v2, { now: () => clock.t })
    const rejected = await cache.get()
    cache.invalidate(rejected)
    expect((await cache.get()).accessKeyId).to.equal('ASIAV2KEY2')
  })

  it('a failing getPromise() is an AwsCredentialsError naming the object, and asked again next time', async () => {
    let fail = true
    const v2 = new V2Credentials(() => {
      if (fail) throw new Error('EC2 Metadata roleName request returned error')
      return { accessKeyId: 'ASIAV2LATE', secretAccessKey: 'late' }
    })
    const cache = new CredentialCache(v2)
    const err = await cache.get().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).to.be.instanceOf(AwsCredentialsError)
    expect((err as AwsCredentialsError).source).to.equal('aws-sdk v2 credentials object')
    expect((err as Error).message).to.include('EC2 Metadata roleName request returned error')
    fail = false
    expect((await cache.get()).accessKeyId).to.equal('ASIAV2LATE')
  })

  it('the provider leaves out a session token the object does not hold', async () => {
    const v2 = new V2Credentials(() => ({ accessKeyId: 'AKIAV2LONGTERM', secretAccessKey: 's' }))
    expect(await awsSdkV2Provider(v2)()).to.deep.equal({
      accessKeyId: 'AKIAV2LONGTERM',
      secretAccessKey: 's',
    })
  })
})
