import { CoreError } from '../errors.ts'

/** The user picked a file over the room's cap (or an empty one): shown to them as it is. */
export class FileTooLargeError extends CoreError {
  constructor (readonly fileName: string, readonly size: number, readonly limit: number, what?: string) {
    super(what != null ? `${fileName} ${what}` : `${fileName} is ${formatBytes(size)}, over this room's limit of ${formatBytes(limit)} per file`, 'ERR_FILE_TOO_LARGE')
  }
}

/** A file's bytes were asked for before all its chunks are stored. */
export class BlobIncompleteError extends CoreError {
  constructor (message: string) { super(message, 'ERR_BLOB_INCOMPLETE') }
}

function formatBytes (n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}
