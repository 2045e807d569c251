import { readFileSync } from 'node:fs'

/** CPU time (user + system, ms) this process has used, all threads (zlib's pool included). */
export function ownCpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/**
 * CPU time (ms) another process has used, from /proc (Linux). Other work on a small machine
 * disturbs wall-clock times; CPU time per document barely moves, so it is reported beside them.
 */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // clock ticks, USER_HZ = 100
  } catch {
    return NaN
  }
}

const MAIN_THREAD_SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`
let schedstatReadable: boolean | undefined

/**
 * CPU time (ms) this process's main thread has run, from its /proc schedstat (Linux, ns
 * resolution). The issue is judged on this: work moved to libuv's pool or a worker thread shows
 * in {@link ownCpuMs}, not here. Where schedstat is missing, it falls back to the process's CPU
 * (all threads), and {@link mainThreadCpuSource} says so.
 */
export function mainThreadCpuMs(): number {
  if (schedstatReadable !== false) {
    try {
      const ns = Number(readFileSync(MAIN_THREAD_SCHEDSTAT, 'latin1').split(' ')[0])
      schedstatReadable = Number.isFinite(ns)
      if (schedstatReadable) return ns / 1e6
    } catch {
      schedstatReadable = false
    }
  }
  return ownCpuMs()
}

export function mainThreadCpuSource(): 'schedstat' | 'process (all threads)' {
  mainThreadCpuMs()
  return schedstatReadable ? 'schedstat' : 'process (all threads)'
}

export function loadAverage(): number[] {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number)
  } catch {
    return []
  }
}
