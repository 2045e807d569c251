/**
 * The client of one request went away. What an AbortSignal says, for a single request: made for
 * every request the proxy handles, where an AbortController (an EventTarget, and a DOMException
 * when fired without a reason) costs more than the signing itself.
 */
export class Departure {
  #listeners: Array<() => void> | undefined
  #reason: unknown
  #gone = false

  get gone(): boolean {
    return this.#gone
  }

  get reason(): unknown {
    return this.#reason
  }

  /** Marks the client gone and tells every listener, once. */
  leave(reason: unknown): void {
    if (this.#gone) return
    this.#gone = true
    this.#reason = reason
    const listeners = this.#listeners
    this.#listeners = undefined
    for (const listener of listeners ?? []) listener()
  }

  /** Calls `listener` when the client goes (not if it has gone already); returns the undo. */
  onLeave(listener: () => void): () => void {
    if (this.#gone) return () => undefined
    ;(this.#listeners ??= []).push(listener)
    return () => {
      const at = this.#listeners?.indexOf(listener) ?? -1
      if (at >= 0) this.#listeners?.splice(at, 1)
    }
  }
}
