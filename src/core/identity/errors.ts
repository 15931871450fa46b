import { CoreError } from '../errors.ts'

/** A backup's passphrase did not decrypt it (or the backup was altered, which AES-GCM cannot tell apart). */
export class WrongPassphraseError extends CoreError {
  constructor () { super('Wrong passphrase, or the backup was altered', 'ERR_WRONG_PASSPHRASE') }
}

/** The text given as a backup is not one (truncated, another format, unsupported parameters). */
export class BackupFormatError extends CoreError {
  constructor (message: string) { super(`Not a valid identity backup: ${message}`, 'ERR_BACKUP_FORMAT') }
}

/** A passphrase too short to protect a key that anyone holding the backup can attack offline. */
export class WeakPassphraseError extends CoreError {
  constructor (minLength: number) { super(`A backup passphrase needs at least ${minLength} characters`, 'ERR_WEAK_PASSPHRASE') }
}

/** createIdentity would overwrite the identity already stored (losing its key). */
export class IdentityExistsError extends CoreError {
  constructor () { super('An identity is already stored; import a backup to replace it', 'ERR_IDENTITY_EXISTS') }
}

/** The stored identity record is unreadable (damaged storage, or written by an incompatible version). */
export class IdentityStorageError extends CoreError {
  constructor (message: string) { super(`The stored identity is unreadable: ${message}`, 'ERR_IDENTITY_STORAGE') }
}

/** A profile the local user asked for breaks the profile rules (name, avatar). */
export class InvalidProfileError extends CoreError {
  constructor (message: string) { super(message, 'ERR_INVALID_PROFILE') }
}
