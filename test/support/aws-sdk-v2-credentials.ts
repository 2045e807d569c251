/**
 * A stand-in for aws-sdk v2's `AWS.Credentials`, with its behaviour as in aws-sdk 2.1693
 * (lib/credentials.js): `needsRefresh()` is true when the keys are missing, `expired` is set, or
 * `expireTime` is within `expiryWindow` (15 s) of now; `get(cb)` refreshes only then;
 * `getPromise()` and `refreshPromise()` are `get` and `refresh` as promises. The keys come from
 * `load`, as a subclass's `load` (an instance-metadata or STS call) would bring them. aws-sdk v2
 * itself is not a dependency: about 100 MB installed.
 */
export interface V2Keys {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expireTime?: Date | null
}

export class V2Credentials {
  accessKeyId?: string
  secretAccessKey?: string
  sessionToken?: string
  expireTime: Date | null = null
  expired = false
  expiryWindow = 15
  /** Calls made to each method, for the tests. */
  readonly calls = { getPromise: 0, refreshPromise: 0, load: 0 }

  constructor(
    private readonly load: () => V2Keys,
    private readonly now: () => number = Date.now,
    initial?: V2Keys,
  ) {
    if (initial !== undefined) this.apply(initial)
  }

  needsRefresh(): boolean {
    const adjusted = new Date(this.now() + this.expiryWindow * 1000)
    if (this.expireTime && adjusted > this.expireTime) return true
    return this.expired || !this.accessKeyId || !this.secretAccessKey
  }

  get(callback: (err?: Error) => void): void {
    if (this.needsRefresh()) {
      this.refresh((err) => {
        if (!err) this.expired = false
        callback(err)
      })
    } else callback()
  }

  refresh(callback: (err?: Error) => void): void {
    this.calls.load += 1
    try {
      this.apply(this.load())
    } catch (err) {
      callback(err as Error)
      return
    }
    this.expired = false
    callback()
  }

  getPromise(): Promise<void> {
    this.calls.getPromise += 1
    return new Promise((resolve, reject) => this.get((err) => (err ? reject(err) : resolve())))
  }

  refreshPromise(): Promise<void> {
    this.calls.refreshPromise += 1
    return new Promise((resolve, reject) => this.refresh((err) => (err ? reject(err) : resolve())))
  }

  private apply(keys: V2Keys): void {
    this.accessKeyId = keys.accessKeyId
    this.secretAccessKey = keys.secretAccessKey
    this.sessionToken = keys.sessionToken
    this.expireTime = keys.expireTime ?? null
  }
}
