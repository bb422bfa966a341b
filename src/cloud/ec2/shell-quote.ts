/** Characters a POSIX shell reads literally outside quotes. */
const safeWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one argument for a POSIX shell (sh, bash, zsh): bare when it holds only safe characters, else
 * in single quotes, each `'` written as `'\''`. Line breaks survive, so a script can be passed whole.
 */
export function shellQuote(argument: string): string {
  if (safeWord.test(argument)) return argument;
  return `'${argument.replaceAll("'", `'\\''`)}'`;
}
