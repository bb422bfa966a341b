import { Parser } from 'htmlparser2';

/** One page listed in a `<urlset>` sitemap. */
export interface SitemapPage {
  url: string;
  /** The page's `<lastmod>`; absent when missing or not a W3C date-time. */
  lastModified?: Date;
}

/** What one sitemap file lists: pages (`<urlset>`) or further sitemaps (`<sitemapindex>`). */
export interface ParsedSitemap {
  pages: SitemapPage[];
  sitemaps: string[];
}

/** The sitemap protocol's limit of URLs per file; anything after it is ignored. */
export const maxSitemapUrls = 50_000;

/**
 * The pages and child sitemaps listed in a sitemap or sitemap index. Only absolute http(s) `<loc>`
 * values directly inside `<url>` or `<sitemap>` count, so the `<image:loc>` of an image sitemap is not
 * taken for a page; callers still normalise the URLs and apply their URL policy. Invalid XML never
 * throws: whatever was read before the damage is returned, and a `<loc>` cut off by the end of the
 * file is dropped.
 */
export function parseSitemap(xml: string): ParsedSitemap {
  const result: ParsedSitemap = { pages: [], sitemaps: [] };
  const open: string[] = [];
  let entry: { loc?: string; lastmod?: string } | undefined;
  let text = '';
  const parser = new Parser(
    {
      onopentag(name) {
        const tag = name.toLowerCase();
        if (tag === 'url' || tag === 'sitemap') entry = {};
        open.push(tag);
        text = '';
      },
      ontext(data) {
        text += data;
      },
      onclosetag(name, isImplied) {
        const tag = name.toLowerCase();
        open.pop();
        const parent = open.at(-1);
        if (entry !== undefined && !isImplied && (parent === 'url' || parent === 'sitemap')) {
          if (tag === 'loc') entry.loc = text.trim();
          if (tag === 'lastmod') entry.lastmod = text.trim();
        }
        if ((tag === 'url' || tag === 'sitemap') && entry !== undefined) {
          addEntry(result, tag, entry);
          entry = undefined;
        }
        text = '';
      },
    },
    { xmlMode: true },
  );
  parser.end(xml);
  return result;
}

function addEntry(result: ParsedSitemap, tag: string, entry: { loc?: string; lastmod?: string }): void {
  if (result.pages.length + result.sitemaps.length >= maxSitemapUrls) return;
  if (entry.loc === undefined || !isHttpUrl(entry.loc)) return;
  if (tag === 'sitemap') {
    result.sitemaps.push(entry.loc);
    return;
  }
  const lastModified = entry.lastmod === undefined ? undefined : parseW3cDate(entry.lastmod);
  result.pages.push(lastModified === undefined ? { url: entry.loc } : { url: entry.loc, lastModified });
}

/** `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a day with `Thh:mm[:ss[.s]]` and an optional zone. */
const w3cDateTime =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;

/**
 * A W3C date-time as the sitemap protocol defines it, or `undefined`. `Date` alone would accept
 * nonsense (`new Date('1')` is the year 2001) and roll impossible days over (`2024-02-30`).
 */
export function parseW3cDate(value: string): Date | undefined {
  const match = w3cDateTime.exec(value);
  if (match === null) return undefined;
  const [, year = '', month = '01', day = '01', time = 'T00:00', zone = 'Z'] = match;
  if (!isCalendarDay(Number(year), Number(month), Number(day))) return undefined;
  // Many sitemaps leave out the zone; reading those as UTC gives the same result on every machine.
  const date = new Date(`${year}-${month}-${day}${time}${zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function isCalendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
