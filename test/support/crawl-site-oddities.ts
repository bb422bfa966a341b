/**
 * The bad cases of the crawl test site: bodies a crawler must survive rather than index naively (broken
 * markup, legacy encodings, script-built pages, binary files, an endless calendar, a 50 MB page).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { crawlSiteWords } from './crawl-site-pages.ts';
import { htmlType, writeChunk } from './crawl-site-wire.ts';

/**
 * Invalid HTML: unclosed and misnested tags, stray end tags, an unterminated comment-like run, and bytes
 * that are not UTF-8 (the header still claims UTF-8). One paragraph stays readable.
 */
export function brokenHtml(): Buffer {
  return Buffer.concat([
    Buffer.from(
      '<html><head><title>Broken page</title><body>\n</div></div><div><div class="wrap"><p>Unclosed <b>bold <i>italic\n' +
        '<table><tr><td>cell one<td>cell two</tr>\n</span></span></table></div>\n' +
        `<p>This paragraph is still readable: the ${crawlSiteWords.broken} survives the broken markup around it.</p>\n` +
        '<div <<>> <p class="x" class=y id=>garbage: ',
    ),
    Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80, 0xe9, 0x0b]),
    Buffer.from('\n</p></p></html></body><!-- never closed\n<p>after the end'),
  ]);
}

/** The Latin-1 page's text: only characters below U+0100, so every one is a single Latin-1 byte. */
const latin1Text = `<h1>Café ${crawlSiteWords.latin1}</h1>
<p>Café crème déjà vu: the naïve façade of the old brasserie.</p>
<p>Señor Müller ordered a smörgåsbord and paid 5½ francs.</p>`;

/**
 * The Latin-1 page as ISO-8859-1 bytes (é is the single byte 0xE9). With `meta`, the head declares
 * `<meta charset="windows-1252">` for a server that names no charset.
 */
export function latin1Html(meta: boolean): Buffer {
  const html = `<!doctype html>
<html lang="fr">
<head>
${meta ? '<meta charset="windows-1252">\n' : ''}<title>Café français</title>
</head>
<body>
<article>
${latin1Text}
</article>
</body>
</html>
`;
  // Buffer's latin1 encoding would silently keep only the low byte of anything wider.
  if ([...html].some((char) => (char.codePointAt(0) ?? 0) > 0xff)) throw new Error('not Latin-1 text');
  return Buffer.from(html, 'latin1');
}

/**
 * An app shell: an empty `<div id="app">` that an inline script fills after the load event. The rendered
 * words and the `/js-only` link are built from pieces so the static HTML never holds them.
 */
export function jsRenderedHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>App shell</title>
</head>
<body>
<div id="app"></div>
<script>
window.addEventListener('load', function () {
  var app = document.getElementById('app');
  var article = document.createElement('article');
  var heading = document.createElement('h1');
  heading.textContent = 'Rendered by ' + 'Java' + 'Script';
  var paragraph = document.createElement('p');
  paragraph.textContent = 'This text was built in the browser; the ' + 'hydrated' + '-quokka' + ' proves it.';
  var link = document.createElement('a');
  link.href = '/js' + '-only';
  link.textContent = 'A page linked from script';
  article.appendChild(heading);
  article.appendChild(paragraph);
  article.appendChild(link);
  app.appendChild(article);
});
</script>
</body>
</html>
`;
}

/** A 1×1 transparent PNG. */
export const logoPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A one-page PDF whose text layer reads "Widgetry manual, parchmentine edition", with a correct xref. */
export function manualPdf(): Buffer {
  const text = `BT /F1 18 Tf 72 720 Td (Widgetry manual, ${crawlSiteWords.pdf} edition) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = pdf.length;
  // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, two-byte end of line.
  const entries = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${entries}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** `YYYY-MM` with a month 01–12; anything else is not a calendar page. */
const monthPattern = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The calendar page of `month` (`YYYY-MM`), linking the months before and after; undefined when invalid. */
export function calendarHtml(origin: string, month: string): string | undefined {
  const match = monthPattern.exec(month);
  if (!match) return undefined;
  const index = Number(match[1]) * 12 + Number(match[2]) - 1;
  const name = (at: number) =>
    `${String(Math.floor(at / 12)).padStart(4, '0')}-${String((at % 12) + 1).padStart(2, '0')}`;
  // The URL space never ends: every month links the next, so only a trap detector or a depth limit stops.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Events in ${month}</title>
<link rel="canonical" href="${origin}/calendar?month=${month}">
</head>
<body>
<main>
<h1>Events in ${month}</h1>
<p>The ${crawlSiteWords.calendar} lists no Widgetry meetups for ${month}.</p>
<p><a href="/calendar?month=${name(index - 1)}">Previous month</a> · <a href="/calendar?month=${name(index + 1)}">Next month</a></p>
</main>
</body>
</html>
`;
}

/** Size of `/huge` and `/huge-chunked`: 50 MB. */
export const hugeBytes = 50_000_000;

const hugeHead = Buffer.from(
  `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Huge page</title>\n</head>\n<body>\n<article>\n<h1>The ${crawlSiteWords.huge} page</h1>\n`,
);
const hugeTail = Buffer.from('\n</article>\n</body>\n</html>\n');
const fillerLine = '<p>Filler paragraph: the widget gantry hums along, one template after another.</p>\n';
/** One 64 KiB-ish block of filler, allocated once and written again and again. */
const fillerBlock = Buffer.from(fillerLine.repeat(Math.floor(65_536 / fillerLine.length)));

/**
 * Streams a {@link hugeBytes}-byte HTML page, generated block by block as the client reads (the whole body
 * never exists in memory). With `withLength` the exact Content-Length is announced; without, the body is
 * sent chunked. Stops as soon as the client goes away.
 */
export async function streamHuge(
  request: IncomingMessage,
  response: ServerResponse,
  withLength: boolean,
): Promise<void> {
  response.writeHead(200, {
    'content-type': htmlType,
    ...(withLength ? { 'content-length': String(hugeBytes) } : {}),
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  let remaining = hugeBytes - hugeHead.length - hugeTail.length;
  if (!(await writeChunk(response, hugeHead))) return;
  while (remaining > 0) {
    // The last bit is padded with spaces, so the announced length is met exactly.
    const block = remaining >= fillerBlock.length ? fillerBlock : Buffer.alloc(remaining, 0x20);
    if (!(await writeChunk(response, block))) return;
    remaining -= block.length;
  }
  if (await writeChunk(response, hugeTail)) response.end();
}
