/**
 * 'default' is for the real network. 'loopback' is for tests and development on 127.0.0.1: it
 * lets the browser dial private and loopback addresses and plain ws:// (the browser default
 * refuses both), keeps private addresses in DHT answers, and uses no ICE servers. Never use it on
 * the open network: it lets any peer make us dial into the user's LAN.
 */
export const NetworkProfile = { Default: 'default', Loopback: 'loopback' } as const
export type NetworkProfile = typeof NetworkProfile[keyof typeof NetworkProfile]
