import { CoreError } from '../core/errors.ts'

/** Local misuse of the network layer (calling it before start, bad arguments). */
export class NetworkError extends CoreError {
  constructor (message: string, code = 'ERR_NETWORK') { super(message, code) }
}

export class NotStartedError extends NetworkError {
  constructor () { super('the peer node is not started', 'ERR_NOT_STARTED') }
}

/** A record we were about to sign or publish fails our own validator: a bug or bad input, never sent. */
export class InvalidUserRecordError extends NetworkError {
  constructor (detail: string) { super(`user record is invalid: ${detail}`, 'ERR_INVALID_USER_RECORD') }
}

/** This tab has used up its RTCPeerConnection budget (Chrome allows ~500 per tab lifetime). */
export class ConnectionBudgetExhaustedError extends NetworkError {
  constructor (limit: number) { super(`this tab has opened its ${limit} WebRTC connections; reload to reset`, 'ERR_CONNECTION_BUDGET') }
}
