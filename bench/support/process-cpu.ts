import { readFileSync, readdirSync } from 'node:fs'

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux everywhere we run). */
const TICKS_PER_SECOND = 100

/**
 * CPU seconds used so far by every live process whose command line starts with a Chromium binary
 * (the browser, its renderers, its network and storage services), from Linux's /proc; undefined
 * where there is no /proc. A difference of two readings is what the browser spent in between: a
 * figure that, unlike a latency on two shared cores, does not swing 2-3x with the machine's load.
 * A process that exits between the readings takes its ticks with it, so read around a window in
 * which no page opens or closes.
 */
export function browserCpuSeconds (): number | undefined {
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p))
  } catch {
    return undefined
  }
  let ticks = 0
  for (const pid of pids) {
    try {
      // Chromium rewrites its process titles, so argv[0] may carry the flags after a space
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split(/[\0 ]/)[0] ?? ''
      if (!/(chrom(e|ium)|headless_shell)[^/]*$/.test(command)) continue
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
      // fields after the parenthesised name: state is 3rd, utime 14th, stime 15th (1-based)
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // the process ended while we read it
    }
  }
  return ticks / TICKS_PER_SECOND
}

/**
 * CPU seconds the hypervisor has so far given to other guests while this machine wanted to run
 * (steal, the eighth figure of /proc/stat's `cpu` line, summed over cores); undefined where there
 * is no /proc. Stolen time stalls every page at once, so a latency measured across a window with
 * steal in it is the host's as much as ours: the gossip load reports it next to its figures.
 */
export function stolenCpuSeconds (): number | undefined {
  try {
    const total = readFileSync('/proc/stat', 'latin1').split('\n')[0]!.trim().split(/\s+/)
    return total[0] === 'cpu' && total[8] !== undefined ? Number(total[8]) / TICKS_PER_SECOND : undefined
  } catch {
    return undefined
  }
}
