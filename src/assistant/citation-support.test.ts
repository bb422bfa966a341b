import { describe, expect, it } from 'vitest';
import { checkCitationSupport, contentWords } from './citation-support.ts';

const sources = [
  { n: 1, text: 'def retry_with_backoff(attempts): wait twice as long after each failed request' },
  { n: 2, text: 'The client reads its region from AWS_REGION.' },
];

describe('checkCitationSupport', () => {
  it('accepts statements that share words with what they cite, including identifier parts and word forms', () => {
    const support = checkCitationSupport(
      'Failed requests are retried with exponential backoff [1]. The region comes from the environment variable AWS_REGION [2].',
      sources,
    );
    expect(support).toEqual({ checked: 2, weak: [] });
  });

  it('reports a statement that has nothing in common with the passages it cites', () => {
    const support = checkCitationSupport(
      'Retries back off [1]. Kubernetes pods scale horizontally [2].',
      sources,
    );
    expect(support.checked).toBe(2);
    expect(support.weak).toEqual([{ statement: 'Kubernetes pods scale horizontally.', cited: [2] }]);
  });

  it('counts a statement as supported when any of its cited passages shares a word', () => {
    expect(checkCitationSupport('Pods read the region [1, 2].', sources).weak).toEqual([]);
  });

  it('skips uncited statements, very short ones and code blocks', () => {
    const answer = 'Nothing cited here. Yes [2].\n```python\nkubernetes_scale() [1]\n```\nDone.';
    expect(checkCitationSupport(answer, sources)).toEqual({ checked: 0, weak: [] });
  });

  it('reduces words to content words', () => {
    expect([...contentWords('The retries were retried while retrying getHttpStatus')].sort()).toEqual([
      'get',
      'gethttpstatu',
      'http',
      'retry',
      'statu',
    ]);
  });
});
