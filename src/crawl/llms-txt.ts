import { ValidationError } from '../core/errors/index.ts';
import { normalizeUrl } from './normalize-url.ts';

/**
 * An inline Markdown link `[title](url)` or `[title](url "note")`, not an image (`![alt](src)`). The
 * destination may be wrapped in `<…>` or hold one level of balanced parentheses
 * (`/wiki/Rust_(language)`).
 */
const markdownLink =
  /(!?)\[[^\]\n]*\]\(\s*(<[^>\n]*>|(?:[^()\s]|\([^()\s]*\))+)(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/g;

/** A fenced code block (``` or ~~~), whose links are examples rather than pages of the site. */
const codeFence = /^ {0,3}(`{3,}|~{3,})/;

/**
 * The pages an llms.txt file (https://llmstxt.org: a title, a summary and sections of link lists)
 * points to: the http(s) targets of its inline Markdown links, resolved against `baseUrl` (the
 * llms.txt URL), normalised with `normalizeUrl`, de-duplicated and in order of appearance. Links in
 * code blocks and code spans, and images, are left out. Throws a `ValidationError` when `baseUrl` is
 * not an http(s) URL.
 */
export function parseLlmsTxt(text: string, baseUrl: string): string[] {
  const base = normalizeUrl(baseUrl);
  if (base === undefined)
    throw new ValidationError('The URL of an llms.txt file must be an http or https URL.');
  const urls = new Set<string>();
  for (const line of proseLines(text)) {
    for (const match of line.replaceAll(/`[^`]*`/g, '').matchAll(markdownLink)) {
      const [, image, destination = ''] = match;
      if (image === '!') continue;
      const url = normalizeUrl(destination.replace(/^<(.*)>$/, '$1'), base);
      if (url !== undefined) urls.add(url);
    }
  }
  return [...urls];
}

/** The lines of `text` outside fenced code blocks. */
function proseLines(text: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    const marker = codeFence.exec(line)?.[1];
    if (fence === undefined && marker !== undefined) {
      fence = marker;
    } else if (fence !== undefined) {
      // A fence closes with a run of the same character at least as long as the opening one.
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    } else {
      lines.push(line);
    }
  }
  return lines;
}
