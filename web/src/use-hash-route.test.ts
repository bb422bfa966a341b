import { describe, expect, it } from 'vitest';
import { routeFromHash } from './use-hash-route.ts';

describe('routeFromHash', () => {
  it('maps hashes to pages and falls back to chat', () => {
    expect(routeFromHash('#/code')).toBe('code');
    expect(routeFromHash('#/repositories')).toBe('repositories');
    expect(routeFromHash('#/account')).toBe('account');
    expect(routeFromHash('#search')).toBe('search');
    expect(routeFromHash('')).toBe('chat');
    expect(routeFromHash('#/nope')).toBe('chat');
  });
});
