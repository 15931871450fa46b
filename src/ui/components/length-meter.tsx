import { CHAT_TEXT_MAX_CHARS } from '../../core/messages/payloads.ts'

/** From this share of the limit on, the count shows; below it, it would only be noise. */
const showFrom = 0.9

/** True when a text is too long to send: the composer refuses it instead of cutting it. */
export const tooLong = (text: string): boolean => text.length > CHAT_TEXT_MAX_CHARS

/**
 * Characters used against the limit once near it, and a clear refusal above it. Counted in the
 * units the protocol limits (UTF-16 code units, as a receiving peer checks).
 */
export function LengthMeter ({ text, id }: { text: string, id: string }) {
  const n = text.length
  if (n < CHAT_TEXT_MAX_CHARS * showFrom) return null
  const over = n - CHAT_TEXT_MAX_CHARS
  return over > 0
    ? <p id={id} className='length-meter over' role='alert'>Too long to send: {over.toLocaleString('en')} characters over the {CHAT_TEXT_MAX_CHARS.toLocaleString('en')} limit.</p>
    : <p id={id} className='length-meter' aria-live='polite'>{n.toLocaleString('en')} / {CHAT_TEXT_MAX_CHARS.toLocaleString('en')}</p>
}
