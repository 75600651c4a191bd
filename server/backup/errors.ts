/** Why a backup or a restore stopped before touching anything, in words for the person on call. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** The target holds data and --force was not given: nothing was changed. */
export class RestoreRefusedError extends BackupError {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}
