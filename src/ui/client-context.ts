import { createContext, useContext } from 'react'
import type { PeerClient } from '../client/api.ts'

/** The one client of this tab; screens read it through hooks, never through props drilled down. */
export const ClientContext = createContext<PeerClient | null>(null)

/** The started client; only components rendered under a loaded client call this. */
export function useClient (): PeerClient {
  const client = useContext(ClientContext)
  if (client == null) throw new Error('useClient called outside a loaded client')
  return client
}
