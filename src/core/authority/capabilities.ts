/**
 * What a role lets its holder do, as bits so a role's rights are one integer on the wire and
 * "grants only capabilities it holds" is a subset test: `(granted & ~held) === 0`.
 */
export const Capability = {
  CAN_POST: 1 << 0,
  CAN_DELETE: 1 << 1,
  CAN_PIN: 1 << 2,
  CAN_MUTE: 1 << 3,
  CAN_BAN: 1 << 4,
  CAN_INVITE: 1 << 5,
  CAN_MANAGE_ROLES: 1 << 6,
  CAN_MANAGE_CHANNELS: 1 << 7,
  CAN_SET_POLICY: 1 << 8,
  CAN_MANAGE_ROOM: 1 << 9
} as const
export type Capability = typeof Capability[keyof typeof Capability]

/** Every defined bit; a DEFINE_ROLE with any other bit set is malformed. */
export const ALL_CAPABILITIES = Object.values(Capability).reduce((all, bit) => all | bit, 0)

/**
 * Names the rest of the app uses in `AclView.can(author, name)` (feeds ask for 'delete' or
 * 'pin' without importing bit values).
 */
export const CapabilityName = {
  post: Capability.CAN_POST,
  delete: Capability.CAN_DELETE,
  pin: Capability.CAN_PIN,
  mute: Capability.CAN_MUTE,
  ban: Capability.CAN_BAN,
  invite: Capability.CAN_INVITE,
  'manage-roles': Capability.CAN_MANAGE_ROLES,
  'manage-channels': Capability.CAN_MANAGE_CHANNELS,
  'set-policy': Capability.CAN_SET_POLICY,
  'manage-room': Capability.CAN_MANAGE_ROOM
} as const
export type CapabilityName = keyof typeof CapabilityName

/** The bit for a capability name, or 0 for a name nobody holds. */
export function capabilityBit (name: string): number {
  return Object.hasOwn(CapabilityName, name) ? CapabilityName[name as CapabilityName] : 0
}

/** The predefined roles; their names are reserved (DEFINE_ROLE cannot redefine them). */
export const Role = {
  OWNER: 'owner',
  MOD: 'mod',
  MEMBER: 'member',
  /** Shown for banned keys; held only through BAN, never granted. */
  BANNED: 'banned'
} as const

/** A role: a capability bundle and a rank. A signer only acts on members of lower rank. */
export interface RoleDefinition {
  readonly name: string
  readonly capabilities: number
  readonly rank: number
  readonly builtin: boolean
}

export const OWNER_RANK = 1000
export const MOD_RANK = 500
export const MEMBER_RANK = 100
/** Rank of someone who holds no role (a visitor in an open room, a revoked or banned key). */
export const NO_ROLE_RANK = 0

const MOD_CAPABILITIES = Capability.CAN_POST | Capability.CAN_DELETE | Capability.CAN_PIN | Capability.CAN_MUTE |
  Capability.CAN_BAN | Capability.CAN_INVITE | Capability.CAN_MANAGE_CHANNELS

/** The static bundles every room starts with, OWNER > MOD > MEMBER. */
export const BUILTIN_ROLES: readonly RoleDefinition[] = [
  { name: Role.OWNER, capabilities: ALL_CAPABILITIES, rank: OWNER_RANK, builtin: true },
  { name: Role.MOD, capabilities: MOD_CAPABILITIES, rank: MOD_RANK, builtin: true },
  { name: Role.MEMBER, capabilities: Capability.CAN_POST, rank: MEMBER_RANK, builtin: true },
  { name: Role.BANNED, capabilities: 0, rank: NO_ROLE_RANK, builtin: true }
]

/** Whether `held` covers every bit of `wanted`. */
export const covers = (held: number, wanted: number): boolean => (wanted & ~held) === 0
