import { CID } from 'multiformats/cid'
import { fromString, toString } from 'uint8arrays'
import { decodeCanonical, encodeCanonical } from '../codec/canonical.ts'
import { InvalidLinkError } from '../errors.ts'
import { type Validated, accept, reject, RejectReason } from '../result.ts'
import { type RoomId, asRoomId } from '../types.ts'

/** Everything a joiner needs from a link; nothing here is trusted beyond "where to look". */
export interface InviteLink {
  readonly room: RoomId
  /** The invite's 32-byte secret seed (invite-only rooms); null for an open room. */
  readonly secret: Uint8Array | null
  /** Multiaddrs of peers or relays likely to know the room: hints, the DHT works without them. */
  readonly bootstrap: readonly string[]
  /** The room name to show before the log arrives; the log's name wins once it does. */
  readonly name: string | null
}

const JOIN_PREFIX = '#/join/'
const MAGNET_URN = 'urn:peer-rooms:'
const PAYLOAD_MAX_BYTES = 2048
const NAME_MAX_CHARS = 100
const BOOTSTRAP_MAX = 8
const SECRET_BYTES = 32
const RAW = 0x55

const malformed = (detail: string): Validated<InviteLink> => reject(RejectReason.Malformed, detail)

function roomOf (s: unknown): RoomId | undefined {
  if (typeof s !== 'string' || s.length > 100) return undefined
  try {
    const cid = CID.parse(s)
    return cid.version === 1 && cid.code === RAW && cid.multihash.code === 0x12 && cid.multihash.size === 32 && cid.toString() === s ? asRoomId(s) : undefined
  } catch {
    return undefined
  }
}

function checked (room: unknown, secret: unknown, bootstrap: unknown, name: unknown): Validated<InviteLink> {
  const id = roomOf(room)
  if (id == null) return malformed('room is not a room id')
  if (secret != null && !(secret instanceof Uint8Array && secret.length === SECRET_BYTES)) return malformed(`invite secret is not ${SECRET_BYTES} bytes`)
  if (!Array.isArray(bootstrap) || bootstrap.length > BOOTSTRAP_MAX || !bootstrap.every((a) => typeof a === 'string' && a.startsWith('/') && a.length <= 300)) {
    return malformed(`bootstrap is not a list of at most ${BOOTSTRAP_MAX} multiaddrs`)
  }
  if (name != null && !(typeof name === 'string' && name.length <= NAME_MAX_CHARS)) return malformed('name hint is too long')
  return accept({ room: id, secret: (secret as Uint8Array | undefined) ?? null, bootstrap: bootstrap as string[], name: (name as string | undefined) ?? null })
}

/** The fragment payload: base64url (no padding) of encodeCanonical({v:1, room, secret?, bootstrap?, name?}). */
function payloadOf (link: InviteLink): string {
  const body: Record<string, unknown> = { v: 1, room: link.room }
  if (link.secret != null) body.secret = link.secret
  if (link.bootstrap.length > 0) body.bootstrap = link.bootstrap
  if (link.name != null) body.name = link.name
  return toString(encodeCanonical(body), 'base64url')
}

function mustBeValid (link: InviteLink): void {
  const v = checked(link.room, link.secret, [...link.bootstrap], link.name)
  if (!v.ok) throw new InvalidLinkError(v.detail)
}

/**
 * The shareable link: `<origin>/#/join/<payload>`. The room data sits in the fragment, which
 * browsers never send to the server at `origin`, so the invite secret stays between the people.
 */
export function formatInviteLink (link: InviteLink, origin: string): string {
  mustBeValid(link)
  return `${origin.replace(/\/+$/, '')}/${JOIN_PREFIX}${payloadOf(link)}`
}

/** The same invite as `magnet:?xt=urn:peer-rooms:<roomId>[&dn=<name>][&ik=<secret b64url>][&x.pe=<multiaddr>...]`. */
export function formatMagnetLink (link: InviteLink): string {
  mustBeValid(link)
  const params = new URLSearchParams({ xt: `${MAGNET_URN}${link.room}` })
  if (link.name != null) params.append('dn', link.name)
  if (link.secret != null) params.append('ik', toString(link.secret, 'base64url'))
  for (const addr of link.bootstrap) params.append('x.pe', addr)
  return `magnet:?${params.toString()}`
}

/** Bytes of unpadded base64url text, or undefined for anything else. */
function base64urlBytes (s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return undefined
  try {
    return fromString(s, 'base64url')
  } catch {
    return undefined
  }
}

function parsePayload (payload: string): Validated<InviteLink> {
  const bytes = base64urlBytes(payload)
  if (bytes == null) return malformed('payload is not base64url')
  const decoded = decodeCanonical<Record<string, unknown>>(bytes, PAYLOAD_MAX_BYTES, 'invite payload')
  if (!decoded.ok) return malformed(decoded.detail)
  const p = decoded.value
  if (typeof p !== 'object' || p == null || Array.isArray(p) || p.v !== 1) return malformed('payload is not a v1 invite')
  if (Object.keys(p).some((k) => !['v', 'room', 'secret', 'bootstrap', 'name'].includes(k))) return malformed('payload has unknown fields')
  return checked(p.room, p.secret, p.bootstrap ?? [], p.name)
}

function parseMagnet (text: string): Validated<InviteLink> {
  const params = new URLSearchParams(text.slice('magnet:?'.length))
  const xt = params.getAll('xt').filter((x) => x.startsWith(MAGNET_URN))
  if (xt.length !== 1) return malformed(`magnet link needs exactly one xt=${MAGNET_URN}<roomId>`)
  const ik = params.get('ik')
  const secret = ik != null ? base64urlBytes(ik) : null
  if (secret === undefined) return malformed('ik is not base64url')
  return checked(xt[0]!.slice(MAGNET_URN.length), secret, params.getAll('x.pe'), params.get('dn'))
}

/**
 * Reads an invite from user input (pasted text, a scanned QR code): an https link with a
 * `#/join/` fragment, or the magnet form; both yield the same {@link InviteLink}. Never throws:
 * anything else is rejected with reason malformed and a detail to show.
 */
export function parseInviteLink (text: string): Validated<InviteLink> {
  if (typeof text !== 'string' || text.length > 4096) return malformed('not a link')
  const trimmed = text.trim()
  if (trimmed.startsWith('magnet:?')) return parseMagnet(trimmed)
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    return malformed('not a link')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return malformed(`unsupported scheme ${url.protocol}`)
  if (!url.hash.startsWith(JOIN_PREFIX)) return malformed('link has no #/join/ part')
  return parsePayload(url.hash.slice(JOIN_PREFIX.length))
}
