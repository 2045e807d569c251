/**
 * `elasticsearch-aws-sigv4/proxy`: the signing proxy as a function, for tests and tools. It
 * forwards every request to an AWS endpoint signed with SigV4, as `elasticsearch-aws-sigv4
 * proxy` does, through the same signing, credentials and recovery as the connection.
 *
 *   const proxy = await startSigningProxy({ endpoint: 'https://search-….es.amazonaws.com', listen: '127.0.0.1:0' })
 *   // … any tool, pointed at proxy.url …
 *   await proxy.close()
 */
export { startSigningProxy, type SigningProxy } from './server'
export type { SigningProxyOptions } from './options'
export {
  formatLogEntry,
  type LogFormat,
  type NoteLogEntry,
  type ProxyLogEntry,
  type RequestLogEntry,
} from './log'
