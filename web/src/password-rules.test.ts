import { describe, expect, it } from 'vitest';
import { newPasswordProblem, passwordLengthProblem } from './password-rules.ts';

describe('newPasswordProblem', () => {
  it('accepts two equal passwords of 12 characters or more', () => {
    expect(newPasswordProblem('correct horse', 'correct horse')).toBeUndefined();
    expect(newPasswordProblem('a'.repeat(12), 'a'.repeat(12))).toBeUndefined();
  });

  it('says when the two new passwords differ', () => {
    expect(newPasswordProblem('correct horse', 'correct horsE')).toBe('The new passwords differ.');
    expect(newPasswordProblem('short', 'other')).toBe('The new passwords differ.');
  });

  it('says when the new password is too short or too long', () => {
    expect(newPasswordProblem('a'.repeat(11), 'a'.repeat(11))).toMatch(/at least 12 characters/);
    expect(passwordLengthProblem('a'.repeat(1025))).toMatch(/at most 1024 characters/);
    expect(passwordLengthProblem('a'.repeat(1024))).toBeUndefined();
  });

  it('counts characters as the server does, not UTF-16 units', () => {
    expect(passwordLengthProblem('🔑'.repeat(6))).toMatch(/too short/);
    expect(passwordLengthProblem('🔑'.repeat(12))).toBeUndefined();
  });
});
