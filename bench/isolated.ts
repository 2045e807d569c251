/**
 * The parent's side of contender-process.ts: starts a contender in a process of its own and
 * sends it one command at a time. Only one contender runs at a time; the others wait idle.
 */
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import path from 'node:path'
import type { SmallOptions } from './small'

const ROOT = path.resolve(__dirname, '..')

/** What a contender process is told to do. */
export type Command =
  | { type: 'small-warmup'; options: SmallOptions }
  | { type: 'small-round'; options: SmallOptions }
  | { type: 'bulk-warmup'; docs: number; warmupDocs: number }
  | { type: 'bulk-round' }
  | { type: 'close' }

type Reply = { ok: true; value: unknown } | { ok: false; error: string }

export class ContenderProcess {
  readonly #child: ChildProcess
  #pending: { resolve: (value: unknown) => void; reject: (err: Error) => void } | undefined

  private constructor(child: ChildProcess) {
    this.#child = child
    child.on('message', (reply: Reply) => {
      const pending = this.#pending
      this.#pending = undefined
      if (reply.ok) pending?.resolve(reply.value)
      else pending?.reject(new Error(reply.error))
    })
    child.on('exit', (code, signal) => {
      this.#pending?.reject(new Error(`contender process exited (${code ?? signal})`))
      this.#pending = undefined
    })
  }

  /** Starts the process for contender `id` against `node`; resolves once its client exists. */
  static async start(id: string, node: string): Promise<ContenderProcess> {
    const child = fork(path.join(__dirname, 'contender-process.ts'), [id, node], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx', '--expose-gc'],
      env: { ...process.env, NODE_OPTIONS: '' },
    })
    const started = new ContenderProcess(child)
    await started.#wait()
    return started
  }

  /** Runs one command in the process; resolves with what it measured. */
  call<T>(command: Command): Promise<T> {
    const answer = this.#wait() as Promise<T>
    this.#child.send(command)
    return answer
  }

  /** Closes the client, then ends the process. */
  async close(): Promise<void> {
    await this.call({ type: 'close' }).catch(() => undefined)
    this.#child.disconnect()
  }

  #wait(): Promise<unknown> {
    if (this.#pending !== undefined) throw new Error('one command at a time')
    return new Promise((resolve, reject) => (this.#pending = { resolve, reject }))
  }
}
