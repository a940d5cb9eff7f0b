/**
 * An error the user can cause and fix (bad profile, missing certificate, wrong passphrase, ...).
 * The CLI prints `message` (and `hint`) alone, without a stack trace, and exits with code 2,
 * always before any network call.
 */
export class UserError extends Error {
  readonly code: string;
  readonly hint?: string;
  constructor(code: string, message: string, hint?: string) {
    super(message);
    this.name = 'UserError';
    this.code = code;
    this.hint = hint;
  }
}
