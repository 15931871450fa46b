import type { Signer } from '../identity/ed25519.ts'
import type { ChannelId, RoomId } from '../types.ts'
import { signAuthorityEntry } from '../authority/build.ts'
import { genesisChannelId } from '../authority/channel-id.ts'
import type { GenesisChannel, Policy, SignedAuthorityEntry } from '../authority/entry.ts'
import { roomIdOf } from './room-id.ts'

export interface CreateRoomInit {
  readonly signer: Signer
  readonly name: string
  readonly description?: string
  readonly tags?: readonly string[]
  readonly policy: Policy
  /** The first channels, in display order; they are part of genesis, so a new room is one entry. */
  readonly channels: ReadonlyArray<{ readonly name: string, readonly topic?: string }>
  /** 16..32 random bytes; defaults to 16 fresh ones. Fixed only in tests and vectors. */
  readonly nonce?: Uint8Array
  readonly ts?: number
}

export interface CreatedRoom {
  readonly roomId: RoomId
  readonly genesis: SignedAuthorityEntry
  /** Ids of the genesis channels, in the order given. */
  readonly channels: readonly ChannelId[]
}

/**
 * Creates a room: derives its id from the creator's key, the name and a nonce, and signs the
 * genesis entry (policy, description, tags, first channels) that every peer checks against it.
 * The creator holds OWNER from genesis on.
 */
export async function createRoom (init: CreateRoomInit): Promise<CreatedRoom> {
  const nonce = init.nonce ?? crypto.getRandomValues(new Uint8Array(16))
  const roomId = roomIdOf(init.signer.publicKey, init.name, nonce)
  const channels: GenesisChannel[] = init.channels.map((c) => ({ name: c.name, topic: c.topic ?? '' }))
  const genesis = await signAuthorityEntry({ context: { room: roomId, prev: [], lamport: 0 }, signer: init.signer, ts: init.ts }, {
    action: 'genesis',
    name: init.name,
    nonce,
    policy: init.policy,
    description: init.description ?? '',
    tags: init.tags ?? [],
    channels
  })
  return { roomId, genesis, channels: channels.map((_, i) => genesisChannelId(genesis.hash, i)) }
}
