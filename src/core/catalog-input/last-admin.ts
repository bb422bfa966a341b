import { ValidationError } from '../errors/index.ts';

/**
 * The refusal to remove the last admin, or to make them a member (`change`): either would leave nobody
 * able to manage Quarry. The hint names the command that lets the change go ahead.
 */
export function lastAdmin(id: string, change: 'remove' | 'demote'): ValidationError {
  const doing = change === 'remove' ? 'removing it' : 'making it a member';
  return new ValidationError(`${id} is the last admin; ${doing} would leave nobody to manage Quarry.`, {
    hint: `Add another admin first (quarry users add <name> --role admin), then ${change} ${id}.`,
  });
}
