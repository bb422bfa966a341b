import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.ts';
import { lastAdmin } from './last-admin.ts';

describe('lastAdmin', () => {
  it('says what the change would do and how to make it possible', () => {
    const removal = lastAdmin('ada', 'remove');
    expect(removal).toBeInstanceOf(ValidationError);
    expect(removal.message).toBe('ada is the last admin; removing it would leave nobody to manage Quarry.');
    expect(removal.hint).toBe(
      'Add another admin first (quarry users add <name> --role admin), then remove ada.',
    );
    const demotion = lastAdmin('ada', 'demote');
    expect(demotion.message).toBe(
      'ada is the last admin; making it a member would leave nobody to manage Quarry.',
    );
    expect(demotion.hint).toMatch(/then demote ada\.$/);
  });
});
