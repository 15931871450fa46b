import { createHmac, randomBytes } from 'node:crypto'

/** TURN credentials in the shape an RTCIceServer takes, plus their lifetime. */
export interface TurnCredentials {
  readonly urls: readonly string[]
  readonly username: string
  readonly credential: string
  /** Seconds from issue until the TURN server refuses them. */
  readonly ttl: number
}

export interface TurnCredentialsInit {
  /** The secret shared with the TURN server (coturn: `static-auth-secret`, with `use-auth-secret`). */
  readonly secret: string
  /** TURN URLs handed out with the credentials, e.g. turn:turn.example.org:3478?transport=udp. */
  readonly urls: readonly string[]
  readonly ttlSeconds: number
}

/**
 * Mints credentials under the TURN REST API scheme (draft-uberti-behave-turn-rest, as coturn does it):
 * username = "<unix expiry>:<id>", credential = base64(HMAC-SHA1(secret, username)). The TURN server
 * checks them with the shared secret alone, so the page never holds a long-lived secret.
 */
export function mintTurnCredentials (init: TurnCredentialsInit, now = Date.now(), id = randomBytes(6).toString('hex')): TurnCredentials {
  const username = `${Math.floor(now / 1000) + init.ttlSeconds}:${id}`
  const credential = createHmac('sha1', init.secret).update(username).digest('base64')
  return { urls: [...init.urls], username, credential, ttl: init.ttlSeconds }
}
