import { ValidationError } from '../errors/index.ts';
import { checkNonEmptyText, checkTimeText, checkUrls } from './field-checks.ts';
import { serialiseJsonObject } from './serialise-json-object.ts';

/** A crawl start as a catalog records it: the site's name, its start URLs (a copy) and the time. */
export interface CheckedCrawlStart {
  name: string;
  startUrls: string[];
  startedAt: string;
}

/** A crawl's end as a catalog records it: the site's name, the time and the summary as JSON text. */
export interface CheckedCrawlFinish {
  name: string;
  finishedAt: string;
  summary: string;
}

/** Checks the arguments of `startCrawl`; a `ValidationError` names the value to fix. */
export function checkCrawlStart(
  site: { name: string; startUrls: string[] },
  startedAt: string,
): CheckedCrawlStart {
  if (typeof site !== 'object' || site === null) throw new ValidationError('A crawl site must be an object.');
  const name = checkCrawlSiteName(site.name);
  return {
    name,
    startUrls: checkUrls(site.startUrls, `The start URLs of crawl site ${name}`),
    startedAt: checkTimeText(startedAt, `The start time of the crawl of ${name}`),
  };
}

/** Checks the arguments of `finishCrawl`, turning the summary into the JSON text the catalog keeps. */
export function checkCrawlFinish(name: string, finishedAt: string, summary: unknown): CheckedCrawlFinish {
  const checked = checkCrawlSiteName(name);
  return {
    name: checked,
    finishedAt: checkTimeText(finishedAt, `The end time of the crawl of ${checked}`),
    summary: serialiseJsonObject(summary, {
      refusal: `The summary of the crawl of ${checked} must be a plain object that JSON can store.`,
      hint: 'Keep the summary to objects, arrays, strings, numbers, booleans and null, with no cycles.',
    }),
  };
}

/** Returns `name` when it can name a crawl site: a non-empty string. */
export function checkCrawlSiteName(name: unknown): string {
  return checkNonEmptyText(name, 'The name of a crawl site');
}
