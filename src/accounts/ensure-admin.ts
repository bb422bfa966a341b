import { ConflictError } from '../core/errors/index.ts';
import type { AccountDependencies } from './account-dependencies.ts';
import { checkPassword, createUser, generatePassword } from './users.ts';

/** The name of the account created on first start. */
export const firstAdminId = 'admin';

/** The result of {@link ensureAdminAccount}. */
export type EnsureAdminResult =
  | { created: false }
  | {
      created: true;
      /** The admin's password; when `generated`, the caller shows it once (it is stored only hashed). */
      password: string;
      /** True when no password was given and a random one was made. */
      generated: boolean;
    };

/**
 * Makes sure a fresh server can be signed in to: when the catalog holds no users at all, creates `admin`
 * (role admin) with `options.password` (checked like any password: 12–1024 characters, else a
 * `ValidationError`) or a generated one. Does nothing when any user exists, including when another process
 * created the first account at the same moment. Logs nothing: the caller decides how to show a generated
 * password, once.
 */
export async function ensureAdminAccount(
  dependencies: AccountDependencies,
  options: { password?: string | undefined } = {},
): Promise<EnsureAdminResult> {
  if (options.password !== undefined) checkPassword(options.password);
  if ((await dependencies.catalog.listUsers()).length > 0) return { created: false };
  const generated = options.password === undefined;
  const password = options.password ?? generatePassword();
  try {
    await createUser(dependencies, { id: firstAdminId, role: 'admin', password });
  } catch (error) {
    if (error instanceof ConflictError) return { created: false };
    throw error;
  }
  return { created: true, password, generated };
}
