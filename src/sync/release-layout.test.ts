import { describe, expect, it } from 'vitest';
import { archivedPrefix, currentPrefix, tagFromSegment, tagSegment } from './release-layout.ts';

describe('release layout', () => {
  it('keeps the guidance layout for ordinary tags', () => {
    const repo = { owner: 'aws', name: 'aws-cdk' };
    expect(currentPrefix(repo, 'v2.150.0')).toBe('current/aws/aws-cdk/v2.150.0/');
    expect(archivedPrefix(repo, 'v2.149.0')).toBe('archived/aws/aws-cdk/v2.149.0/');
  });

  it('encodes tags that would add folders or escape, and decodes them back', () => {
    for (const tag of ['release/1.0', '..hidden', 'a b', '%41', '.x']) {
      const segment = tagSegment(tag);
      expect(segment).not.toMatch(/[/ ]/);
      expect(segment.startsWith('.')).toBe(false);
      expect(tagFromSegment(segment)).toBe(tag);
    }
    expect(() => tagSegment('..')).toThrow(/cannot be stored/);
  });
});
