import { describe, expect, it } from 'vitest'
import { connectionForStream } from '../../src/network/stream-connection.ts'

const conn = (id: string, open: number, status = 'open', limits?: object): { id: string, status: string, limits?: object, timeline: { open: number } } =>
  ({ id, status, timeline: { open }, ...(limits === undefined ? {} : { limits }) })

describe('the connection a new stream goes over', () => {
  it('is the newest open direct one: a peer back after a reload, not the link it left', () => {
    expect(connectionForStream([conn('left behind', 1_000), conn('after reload', 5_000)])?.id).toBe('after reload')
    expect(connectionForStream([conn('after reload', 5_000), conn('left behind', 1_000)])?.id).toBe('after reload')
  })

  it('is a direct one over any relayed (limited) one, and never a closing one; none means dial', () => {
    expect(connectionForStream([conn('direct', 1_000), conn('relayed', 9_000, 'open', { bytes: 1 }), conn('closing', 9_500, 'closing')])?.id).toBe('direct')
    expect(connectionForStream([conn('closing', 9_500, 'closing')])).toBeUndefined()
    expect(connectionForStream([])).toBeUndefined()
  })

  it('is the newest relayed one when no direct link exists: a peer behind a symmetric NAT still syncs', () => {
    expect(connectionForStream([conn('old circuit', 1_000, 'open', { bytes: 1 }), conn('circuit', 9_000, 'open', { bytes: 1 })])?.id).toBe('circuit')
  })
})
