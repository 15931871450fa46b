/**
 * Named errors for local misuse (a bug in our own code or a bad user action). Data from peers
 * never throws; it is rejected with a {@link Validated} reason instead.
 */
export class CoreError extends Error {
  constructor (message: string, readonly code: string) {
    super(message)
    this.name = new.target.name
  }
}

export class EncodingError extends CoreError {
  constructor (message: string) { super(message, 'ERR_ENCODING') }
}

export class RecordTooLargeError extends CoreError {
  constructor (kind: string, size: number, limit: number) {
    super(`${kind} is ${size} bytes, over the limit of ${limit}`, 'ERR_TOO_LARGE')
  }
}

export class InvalidLinkError extends CoreError {
  constructor (message: string) { super(message, 'ERR_INVALID_LINK') }
}

export class NotAllowedError extends CoreError {
  constructor (message: string) { super(message, 'ERR_NOT_ALLOWED') }
}

export class StorageError extends CoreError {
  constructor (message: string, override readonly cause?: unknown) { super(message, 'ERR_STORAGE') }
}

export class AbortedError extends CoreError {
  constructor (message = 'The operation was aborted') { super(message, 'ERR_ABORTED') }
}
