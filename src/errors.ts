/**
 * The one error type users see. Its message is a single line that names the offending field, node or file;
 * the CLI prints it without a stack trace and exits non-zero. Anything else reaching the CLI is a bug.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' '));
  }
}

/** The command line itself is wrong (an unknown option, a missing required flag): exit 2, as for usage. */
export class UsageError extends UserError {
  override readonly name = 'UsageError';
}

/** The user stopped the command (Ctrl-C); what was finished is kept: exit 130, the shell's code for an interrupt. */
export class Interrupted extends UserError {
  override readonly name = 'Interrupted';
}

export function fail(message: string): never {
  throw new UserError(message);
}

const SYSTEM_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EEXIST: 'it exists',
  ENOSPC: 'no space left on the disk',
  EROFS: 'read-only file system',
};

/** A failed file operation's cause in words, with its code for searching (`no such file (ENOENT)`). */
export function systemReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined) return e instanceof Error ? e.message.split('\n')[0] : String(e);
  return SYSTEM_REASONS[code] ? `${SYSTEM_REASONS[code]} (${code})` : code;
}

