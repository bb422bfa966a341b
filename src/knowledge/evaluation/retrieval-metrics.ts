import { ValidationError } from '../../core/errors/index.ts';

/** Graded relevance judgements of one query: document id → grade. Only grades above 0 count as relevant. */
export type Judgements = ReadonlyMap<string, number>;

/**
 * A per-query retrieval metric: scores one ranking (document ids, best first, each at most once) against
 * the query's judgements. Documents without a judgement count as not relevant.
 */
export type QueryMetric = (ranking: readonly string[], judgements: Judgements) => number;

/**
 * Normalised discounted cumulative gain of the first `k` documents, as trec_eval's `ndcg_cut` (and so
 * pytrec_eval and BEIR) computes it: the gain of a document is its grade (linear, not 2^grade − 1), the
 * discount of rank r is log2(r + 1), and the ideal ranking is every judged document with a grade above 0,
 * best grade first, cut at `k` as well.
 */
export function ndcgAt(k: number): QueryMetric {
  assertCutoff(k);
  return (ranking, judgements) => {
    let gained = 0;
    ranking.slice(0, k).forEach((documentId, index) => {
      gained += gainOf(judgements.get(documentId)) / Math.log2(index + 2);
    });
    const idealGains = [...judgements.values()]
      .map(gainOf)
      .filter((gain) => gain > 0)
      .sort((left, right) => right - left)
      .slice(0, k);
    const ideal = idealGains.reduce((sum, gain, index) => sum + gain / Math.log2(index + 2), 0);
    return ideal === 0 ? 0 : gained / ideal;
  };
}

/** Share of the query's relevant documents (grade above 0) found in the first `k` (trec_eval's `recall_k`). */
export function recallAt(k: number): QueryMetric {
  assertCutoff(k);
  return (ranking, judgements) => {
    const relevant = relevantCount(judgements);
    if (relevant === 0) return 0;
    const found = ranking.slice(0, k).filter((documentId) => isRelevant(judgements.get(documentId))).length;
    return found / relevant;
  };
}

/**
 * 1 / the rank of the first relevant document within the first `k`, 0 when there is none (BEIR's
 * `MRR@k`; trec_eval's `recip_rank` has no cutoff).
 */
export function reciprocalRankAt(k: number): QueryMetric {
  assertCutoff(k);
  return (ranking, judgements) => {
    const index = ranking.slice(0, k).findIndex((documentId) => isRelevant(judgements.get(documentId)));
    return index === -1 ? 0 : 1 / (index + 1);
  };
}

/**
 * The mean of `metric` over the judged queries that have at least one relevant document (queries whose
 * judgements are all 0 say nothing about a ranking, and BEIR leaves them out). A judged query missing
 * from `rankings` is scored as an empty ranking. Returns 0 when no query qualifies.
 */
export function meanOverQueries(
  metric: QueryMetric,
  rankings: ReadonlyMap<string, readonly string[]>,
  judgementsByQuery: ReadonlyMap<string, Judgements>,
): number {
  let sum = 0;
  let counted = 0;
  for (const [queryId, judgements] of judgementsByQuery) {
    if (relevantCount(judgements) === 0) continue;
    sum += metric(rankings.get(queryId) ?? [], judgements);
    counted += 1;
  }
  return counted === 0 ? 0 : sum / counted;
}

/** How many documents of a query's judgements are relevant (grade above 0). */
export function relevantCount(judgements: Judgements): number {
  let count = 0;
  for (const grade of judgements.values()) if (isRelevant(grade)) count += 1;
  return count;
}

function isRelevant(grade: number | undefined): boolean {
  return grade !== undefined && grade > 0;
}

/** Negative grades (some collections mark spam with -1) add nothing rather than taking gain away. */
function gainOf(grade: number | undefined): number {
  return grade !== undefined && grade > 0 ? grade : 0;
}

function assertCutoff(k: number): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new ValidationError(`A metric cutoff must be a whole number of at least 1, not ${k}.`);
  }
}
