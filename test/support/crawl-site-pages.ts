/**
 * The documentation pages of the crawl test site: a small docs site for a made-up library, "Widgetry".
 * Every page carries made-up words (see {@link crawlSiteWords}) that occur nowhere else on the site, so a
 * search test can tell which page, and which section, a hit came from.
 */

/**
 * The distinctive word of each page or section. Each is found only where its name says; `footer` is in
 * the footer of every docs page (boilerplate an extractor should drop).
 */
export const crawlSiteWords = {
  /** `/`, in the welcome paragraph. */
  home: 'atriumwelcome',
  /** `/docs/intro`, under H2 "Overview". */
  introOverview: 'zephyrine',
  /** `/docs/intro`, under H2 "Installation". */
  introInstall: 'gantryloop',
  /** `/docs/guide`, under H2 "Configuring the frobnicator". */
  guideFrobnicator: 'frobnicate',
  /** `/docs/guide`, under H2 "Tuning throughput". */
  guideThroughput: 'spindlewick',
  /** `/docs/guide`, under H3 "Batching" (inside "Tuning throughput"). */
  guideBatching: 'obsidianfeather',
  /** `/docs/api`, under H2 "widgetize(source, options)". */
  apiWidgetize: 'kumquatify',
  /** `/docs/api`, under H2 "Errors". */
  apiErrors: 'blunderbuss',
  /** The footer of every docs page: boilerplate. */
  footer: 'pixelharbor',
  /** `/orphan`, listed only in the sitemap. */
  orphan: 'lonelypine',
  /** `/llms-only`, linked only from `/llms.txt`. */
  llmsOnly: 'llamafrond',
  /** `/private/secret`, disallowed for every robot. */
  private: 'secretsquirrel',
  /** `/no-quarry/page`, disallowed for QuarryBot only. */
  noQuarry: 'forbiddenfruitbat',
  /** `/gone`, while it still exists. */
  gone: 'vanishingwombat',
  /** `/broken-html`, in its one readable paragraph. */
  broken: 'wobblegong',
  /** `/huge` and `/huge-chunked`, in the H1 at the very start. */
  huge: 'megalodonic',
  /** `/server-error-once`, once it answers 200. */
  serverErrorOnce: 'phoenixrise',
  /** Every `/calendar?month=` page. */
  calendar: 'calendarium',
  /** `/js-rendered`, only after its script ran (never in the static HTML). */
  jsRendered: 'hydrated-quokka',
  /** `/js-only`, linked only from the DOM that `/js-rendered` builds. */
  jsOnly: 'scriptborne',
  /** `/slow`. */
  slow: 'tortoiseshell',
  /** `/latin1` and `/latin1-meta` (together with "façade", "déjà", "naïve"). */
  latin1: 'crème',
  /** `/files/manual.pdf`, in its text layer. */
  pdf: 'parchmentine',
} as const;

/** A page's HTML and the date it was last changed. */
export interface PageSource {
  path: string;
  html: string;
  lastModified: string;
}

/** The pages in the sitemap, with the Last-Modified they start with. */
export function docsPages(origin: string): PageSource[] {
  return [
    { path: '/', html: homePage(origin), lastModified: '2026-01-15T09:30:00Z' },
    { path: '/docs/intro', html: introPage(origin), lastModified: '2026-01-10T08:00:00Z' },
    { path: '/docs/guide', html: guidePage(origin), lastModified: '2026-01-12T08:00:00Z' },
    { path: '/docs/api', html: apiPage(origin), lastModified: '2026-01-14T08:00:00Z' },
    { path: '/orphan', html: orphanPage(origin), lastModified: '2025-12-01T12:00:00Z' },
  ];
}

/** The plain pages that are there only to be reached (or not) by particular routes. */
export function minorPages(origin: string): PageSource[] {
  const page = (path: string, title: string, text: string): PageSource => ({
    path,
    html: docsDocument(origin, path, title, `<h1>${title}</h1>\n<p>${text}</p>`),
    lastModified: '2026-01-05T08:00:00Z',
  });
  const w = crawlSiteWords;
  return [
    page(
      '/llms-only',
      'Notes for language models',
      `These ${w.llmsOnly} notes are linked from llms.txt only.`,
    ),
    page('/private/secret', 'Private notes', `The ${w.private} page is disallowed for every robot.`),
    page('/no-quarry/page', 'Not for Quarry', `The ${w.noQuarry} page is disallowed for QuarryBot only.`),
    page('/gone', 'Soon gone', `The ${w.gone} page is about to be removed.`),
    page('/server-error-once', 'Flaky page', `The ${w.serverErrorOnce} page fails once, then works.`),
    page('/rate-limited', 'Rate limited', 'Never served: every request is answered 429.'),
    page('/js-only', 'Found by rendering', `The ${w.jsOnly} page is linked only by JavaScript.`),
  ];
}

/**
 * A full docs page: head with title, description and canonical link, the docs nav, the article and the
 * footer. The nav links `/docs/api`, which the home page does not, so that page is two hops from `/`.
 */
export function docsDocument(origin: string, path: string, title: string, article: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title} · Widgetry docs</title>
<meta name="description" content="${title}, from the Widgetry documentation.">
<link rel="canonical" href="${origin}${path}">
</head>
<body>
<header><a href="/" class="logo">Widgetry</a></header>
<nav aria-label="Documentation">
<ul>
<li><a href="/">Home</a></li>
<li><a href="/docs/intro">Introduction</a></li>
<li><a href="/docs/guide">User guide</a></li>
<li><a href="/docs/api">API reference</a></li>
</ul>
</nav>
<main>
<article>
${article}
</article>
</main>
${footer}
</body>
</html>
`;
}

const footer = `<footer>
<p>Widgetry documentation, released under the MIT license. Built with the ${crawlSiteWords.footer} site generator.</p>
<p><a href="/">Back to the start page</a></p>
</footer>`;

/** The start page: one link of every kind the crawler must handle, and no docs nav. */
function homePage(origin: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Widgetry documentation</title>
<link rel="canonical" href="${origin}/">
</head>
<body>
<main>
<h1>Widgetry documentation</h1>
<p>Welcome to the ${crawlSiteWords.home} of the Widgetry docs. <a href="#install">Jump to installation</a>.</p>
<ul>
<li><a href="/docs/intro">Introduction</a></li>
<li><a href="/docs/guide">User guide</a></li>
<li><a href="/private/secret">Private notes</a></li>
<li><a href="/no-quarry/page">Not for Quarry</a></li>
<li><a href="http://example.com/x">Example elsewhere</a></li>
<li><a href="mailto:docs@widgetry.example">Write to us</a></li>
<li><a href="/docs/intro?utm_source=x">Introduction, tracked</a></li>
<li><a href="/docs/intro#top">Introduction, top</a></li>
<li><a href="/assets/logo.png">Logo</a></li>
<li><a href="/files/manual.pdf">Manual (PDF)</a></li>
<li><a href="/calendar?month=2026-01">Events calendar</a></li>
<li><a href="/redirect-loop/a">Endless redirect</a></li>
<li><a href="/huge">Huge page</a></li>
<li><a href="/broken-html">Broken HTML</a></li>
<li><a href="/latin1">Latin-1 page</a></li>
<li><a href="/rate-limited">Rate-limited page</a></li>
<li><a href="/server-error-once">Flaky page</a></li>
<li><a href="/js-rendered">JavaScript page</a></li>
<li><a href="/not-html.json">Package metadata</a></li>
<li><a href="/gone">Soon gone</a></li>
<li><a href="/moved">Moved guide</a></li>
</ul>
<h2 id="install">Installation</h2>
<p>See the introduction for how to install Widgetry.</p>
</main>
${footer}
</body>
</html>
`;
}

function introPage(origin: string): string {
  const w = crawlSiteWords;
  return docsDocument(
    origin,
    '/docs/intro',
    'Introduction',
    `<h1 id="top">Introduction to Widgetry</h1>
<p>Widgetry is a small library for building, packaging and shipping widgets. This page explains what it
does and how to install it.</p>
<h2 id="overview">Overview</h2>
<p>Every widget starts life as a ${w.introOverview} template: a declarative description of its parts, its
inputs and the events it emits. Widgetry compiles the template into plain JavaScript.</p>
<h3 id="core-concepts">Core concepts</h3>
<p>A widget has a source, a set of options and a lifecycle. The lifecycle has three phases: mount, update
and unmount. Options are validated once, at mount time.</p>
<h2 id="installation">Installation</h2>
<p>Install the package from the registry. The installer sets up a ${w.introInstall} cache in your home
directory, so later builds start faster.</p>
<pre><code class="language-shell">npm install widgetry
npx widgetry init my-widgets</code></pre>
<h3 id="requirements">Requirements</h3>
<table>
<thead><tr><th>Platform</th><th>Minimum version</th><th>Notes</th></tr></thead>
<tbody>
<tr><td>Node.js</td><td>20</td><td>LTS releases only</td></tr>
<tr><td>Deno</td><td>2.0</td><td>Through the npm compatibility layer</td></tr>
<tr><td>Browsers</td><td>ES2022</td><td>Evergreen browsers</td></tr>
</tbody>
</table>
<p>Next, read the <a href="/docs/guide#configuring-the-frobnicator">configuration guide</a>.</p>`,
  );
}

function guidePage(origin: string): string {
  const w = crawlSiteWords;
  return docsDocument(
    origin,
    '/docs/guide',
    'User guide',
    `<h1>Widgetry user guide</h1>
<p>This guide walks through configuring and tuning a Widgetry project.</p>
<h2 id="configuring-the-frobnicator">Configuring the frobnicator</h2>
<p>The frobnicator rewrites widget templates before they are compiled. To ${w.guideFrobnicator} every
widget in a project, turn it on in <code>widgetry.config.json</code>:</p>
<pre><code class="language-json">{
  "frobnicator": { "enabled": true, "passes": 2 }
}</code></pre>
<h3 id="frobnicator-options">Frobnicator options</h3>
<table>
<thead><tr><th>Option</th><th>Type</th><th>Default</th><th>Description</th></tr></thead>
<tbody>
<tr><td>enabled</td><td>boolean</td><td>false</td><td>Turns the frobnicator on.</td></tr>
<tr><td>passes</td><td>number</td><td>1</td><td>How many times templates are rewritten.</td></tr>
<tr><td>strict</td><td>boolean</td><td>true</td><td>Fails the build on unknown template parts.</td></tr>
</tbody>
</table>
<h2 id="tuning-throughput">Tuning throughput</h2>
<p>Large projects build faster with a ${w.guideThroughput} worker pool: one worker per CPU core, each with
its own template cache.</p>
<h3 id="batching">Batching</h3>
<p>Workers take templates in batches. The ${w.guideBatching} scheduler sizes each batch from the time the
previous one took, so slow templates do not hold up fast ones.</p>
<pre><code class="language-js">export default { workers: 'auto', batchSize: 32 };</code></pre>
<h2 id="troubleshooting">Troubleshooting</h2>
<p>When a build hangs, run it with <code>--verbose</code> and look for the last template that started.</p>`,
  );
}

function apiPage(origin: string): string {
  const w = crawlSiteWords;
  return docsDocument(
    origin,
    '/docs/api',
    'API reference',
    `<h1>API reference</h1>
<p>Widgetry exports one function and one error class.</p>
<h2 id="widgetize">widgetize(source, options)</h2>
<p>Compiles a widget template. With <code>deep: true</code> it will also ${w.apiWidgetize} nested widgets,
turning each into its own module.</p>
<pre><code class="language-ts">function widgetize(source: string, options?: WidgetizeOptions): Promise&lt;Widget&gt;;</code></pre>
<h3 id="widgetize-parameters">Parameters</h3>
<table>
<thead><tr><th>Name</th><th>Type</th><th>Description</th></tr></thead>
<tbody>
<tr><td>source</td><td>string</td><td>The template text.</td></tr>
<tr><td>options.deep</td><td>boolean</td><td>Also compile nested widgets.</td></tr>
<tr><td>options.signal</td><td>AbortSignal</td><td>Cancels the compilation.</td></tr>
</tbody>
</table>
<h2 id="errors">Errors</h2>
<p>Failures reject with a <code>WidgetError</code>. An error whose code is ${w.apiErrors} means the template
could not be parsed at all.</p>
<h3 id="error-codes">Error codes</h3>
<table>
<thead><tr><th>Code</th><th>Meaning</th></tr></thead>
<tbody>
<tr><td>E_PARSE</td><td>The template is not well formed.</td></tr>
<tr><td>E_OPTION</td><td>An option has the wrong type.</td></tr>
</tbody>
</table>`,
  );
}

function orphanPage(origin: string): string {
  return docsDocument(
    origin,
    '/orphan',
    'Orphaned page',
    `<h1>Orphaned page</h1>
<p>No page links here; the ${crawlSiteWords.orphan} page is listed in the sitemap only.</p>`,
  );
}

/** `/slow`, once it answers. */
export function slowHtml(origin: string): string {
  return docsDocument(
    origin,
    '/slow',
    'Slow page',
    `<h1>Slow page</h1>\n<p>The ${crawlSiteWords.slow} page answers late.</p>`,
  );
}

/** The default robots.txt: a group for everyone and a stricter one for QuarryBot, plus the sitemap. */
export function robotsText(origin: string): string {
  return `# Robots for the Widgetry docs
User-agent: *
Disallow: /private/

User-agent: QuarryBot
Disallow: /private/
Disallow: /no-quarry/

Sitemap: ${origin}/sitemap.xml
`;
}

/** llms.txt: mostly absolute links to the docs, and a relative one to a page linked nowhere else. */
export function llmsText(origin: string): string {
  return `# Widgetry

> Widgetry builds, packages and ships widgets.

## Docs

- [Introduction](${origin}/docs/intro): what Widgetry is and how to install it
- [User guide](${origin}/docs/guide): configuration and tuning
- [API reference](${origin}/docs/api): every export

## Optional

- [Notes for language models](/llms-only): background for LLMs
`;
}

/** A `<urlset>` listing `entries` with their `<lastmod>`. */
export function sitemapXml(
  origin: string,
  entries: ReadonlyArray<{ path: string; lastModified: number }>,
): string {
  const urls = entries.map(
    (entry) =>
      `  <url>\n    <loc>${origin}${entry.path}</loc>\n    <lastmod>${new Date(entry.lastModified).toISOString().replace('.000Z', 'Z')}</lastmod>\n  </url>\n`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.join('')}</urlset>
`;
}
