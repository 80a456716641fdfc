/**
 * The one error type users see. Its message is a single line that names the offending field, node or file;
 * the CLI prints it without a stack trace and exits non-zero. Anything else reaching the CLI is a bug.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' '));
  }
}

export function fail(message: string): never {
  throw new UserError(message);
}
