import type { MiddlewareHandler } from 'hono';
import type { UserRole } from '../../core/ports/catalog.ts';
import type { AppEnvironment } from '../app-dependencies.ts';
import { HttpError } from '../http-errors.ts';

/** Lets only accounts with `role` through (admins pass every check); others get a 403. */
export function requireRole(role: UserRole): MiddlewareHandler<AppEnvironment> {
  return async (context, next) => {
    const { user } = context.var.identity;
    if (role === 'admin' && user.role !== 'admin') {
      throw new HttpError(403, 'forbidden', `This needs the admin role; ${user.id} is a ${user.role}.`, {
        hint: 'Ask an admin to do it, or to give you an admin account ("quarry users add <name> --role admin").',
      });
    }
    await next();
  };
}
