import { chromium, type Browser } from '@playwright/test'
import { join } from 'node:path'
import { chromiumExecutable, webrtcTestFlags } from '../support/chromium.ts'

/**
 * A Chromium whose network is one lab client's namespace. `hosts` maps the lab's DNS names to
 * its addresses (the lab has no DNS server; Chromium's resolver rules stand in for one).
 * `browserHome` holds an NSS database that trusts the lab's CA.
 */
export async function launchInNamespace (ns: string, hosts: Readonly<Record<string, string>>, browserHome: string): Promise<Browser> {
  const rules = Object.entries(hosts).map(([name, addr]) => `MAP ${name} ${addr}`).join(', ')
  return chromium.launch({
    executablePath: join(import.meta.dirname, 'chromium-in-netns.sh'),
    env: { ...process.env, LAB_NETNS: ns, LAB_CHROMIUM: chromiumExecutable() ?? 'chromium', HOME: browserHome },
    // no loopback flag: the lab's peers meet over their namespaces' real interfaces
    args: [...webrtcTestFlags.filter((f) => f !== '--allow-loopback-in-peer-connection'), `--host-resolver-rules=${rules}`]
  })
}
