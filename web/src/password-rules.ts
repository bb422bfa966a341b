/**
 * The server's password rules, checked before a request so the form can say what is wrong at once.
 * Kept free of React and the DOM so Vitest can run them in Node.
 */

/** Shortest password the server accepts, in characters (code points, as the server counts them). */
export const MINIMUM_PASSWORD_LENGTH = 12;

/** Longest password the server accepts, in characters. */
export const MAXIMUM_PASSWORD_LENGTH = 1024;

/** Why the server would refuse this password, or undefined when its length is fine. */
export function passwordLengthProblem(password: string): string | undefined {
  const length = Array.from(password).length;
  if (length < MINIMUM_PASSWORD_LENGTH) {
    return `The password is too short: it needs at least ${MINIMUM_PASSWORD_LENGTH} characters.`;
  }
  if (length > MAXIMUM_PASSWORD_LENGTH) {
    return `The password is too long: it may have at most ${MAXIMUM_PASSWORD_LENGTH} characters.`;
  }
  return undefined;
}

/** What is wrong with a new password and its repetition (they differ, or the length), or undefined. */
export function newPasswordProblem(newPassword: string, repeated: string): string | undefined {
  if (newPassword !== repeated) return 'The new passwords differ.';
  return passwordLengthProblem(newPassword);
}
