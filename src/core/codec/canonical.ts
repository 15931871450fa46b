import * as dagCbor from '@ipld/dag-cbor'
import { decode as decodeCbor } from 'cborg'
import { equals } from 'uint8arrays/equals'
import { EncodingError } from '../errors.ts'
import { type Validated, accept, reject, RejectReason } from '../result.ts'

/**
 * The one canonical encoding: deterministic DAG-CBOR (sorted map keys, minimal integers, no
 * floats where integers fit, no undefined). Everything signed or hashed goes through here.
 */
export function encodeCanonical (value: unknown): Uint8Array {
  try {
    return dagCbor.encode(value)
  } catch (err) {
    throw new EncodingError(`cannot encode canonically: ${(err as Error).message}`)
  }
}

/**
 * Decodes bytes from a peer. Never throws. Rejects anything over `maxBytes` before parsing, and
 * any encoding that is not the canonical one for its value (re-encoding must give the same bytes),
 * so one value has exactly one byte form and one hash.
 */
export function decodeCanonical<T = unknown> (bytes: Uint8Array, maxBytes: number, kind = 'record'): Validated<T> {
  if (!(bytes instanceof Uint8Array)) return reject(RejectReason.Malformed, `${kind} is not bytes`)
  if (bytes.byteLength > maxBytes) return reject(RejectReason.TooLarge, `${kind} is ${bytes.byteLength} bytes, limit ${maxBytes}`)
  let value: T
  try {
    value = dagCbor.decode<T>(bytes)
  } catch (err) {
    return reject(RejectReason.Malformed, `${kind} is not valid DAG-CBOR: ${(err as Error).message}`)
  }
  let again: Uint8Array
  try {
    again = dagCbor.encode(value)
  } catch {
    return reject(RejectReason.NonCanonical, `${kind} holds values outside the data model`)
  }
  if (!equals(again, bytes)) return reject(RejectReason.NonCanonical, `${kind} is not canonically encoded`)
  return accept(value)
}

/**
 * Decodes a frame from a peer whose bytes are never hashed or signed (a sync message): DAG-CBOR's
 * strict rules (shortest integers and lengths, no indefinite lengths, no duplicate keys, only the
 * CID tag) without re-encoding to compare. A second byte form of one value harms nothing there,
 * and a 500-entry sync batch is ~250 KB to encode again. Entries inside still go through
 * {@link decodeCanonical}. Never throws.
 */
export function decodeFrame<T = unknown> (bytes: Uint8Array, maxBytes: number, kind = 'frame'): Validated<T> {
  if (!(bytes instanceof Uint8Array)) return reject(RejectReason.Malformed, `${kind} is not bytes`)
  if (bytes.byteLength > maxBytes) return reject(RejectReason.TooLarge, `${kind} is ${bytes.byteLength} bytes, limit ${maxBytes}`)
  try {
    return accept(dagCbor.decode<T>(bytes))
  } catch (err) {
    return reject(RejectReason.Malformed, `${kind} is not valid DAG-CBOR: ${(err as Error).message}`)
  }
}

/**
 * Decodes bytes that passed {@link decodeCanonical} when they came in (what storage holds): the
 * canonical re-check is skipped, which halves the cost. Never throws; undefined if the bytes are damaged.
 */
export function decodeTrusted<T = unknown> (bytes: Uint8Array): T | undefined {
  try {
    return dagCbor.decode<T>(bytes)
  } catch {
    return undefined
  }
}

/** DAG-CBOR's decoding rules, except that a link (tag 42) is skipped and read as null instead of parsed into a CID. */
const LINKS_SKIPPED = { ...dagCbor.decodeOptions, tags: { ...dagCbor.decodeOptions.tags, 42: (content: () => unknown) => { content(); return null } } }

/**
 * Like {@link decodeTrusted}, for reading plain fields of stored records: links come back as null.
 * Building a CID object per link is most of the cost of decoding an entry, and a listener that
 * only wants an entry's `type` runs for every entry a sync brings.
 */
export function decodeTrustedLinksSkipped<T = unknown> (bytes: Uint8Array): T | undefined {
  try {
    return decodeCbor(bytes, LINKS_SKIPPED) as T
  } catch {
    return undefined
  }
}
