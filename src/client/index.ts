/** The client's public surface: the factory the UI boots, and the contract it reads. */
export { createPeerClient } from './peer-client.ts'
export type { PeerClientInit } from './peer-client.ts'
export * from './api.ts'
