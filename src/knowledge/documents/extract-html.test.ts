import { describe, expect, it } from 'vitest';
import { extractHtml } from './extract-html.ts';

const guide = `<!doctype html>
<html>
<head>
  <title>Install guide</title>
  <style>body { color: red } .SECRET_STYLE {}</style>
  <script>window.tracking = 'SECRET_SCRIPT';</script>
</head>
<body>
  <nav><a href="/">Home</a> <a href="/docs">NAV_LINK docs</a></nav>
  <article>
    <h1>Install guide</h1>
    <p>Quarry runs on one laptop with embedded defaults. It needs Node 20 or newer and about 200 MB of
       disk space for the index and the models it downloads.</p>
    <h2>From npm</h2>
    <p>Install the command line tool globally with npm. This is the easiest way for most people and it
       keeps updates simple.</p>
    <pre><code>npm install -g quarry
quarry --version</code></pre>
    <h3>Options</h3>
    <table>
      <tr><th>Flag</th><th>Meaning</th></tr>
      <tr><td>--home</td><td>Where Quarry keeps its data</td></tr>
    </table>
    <h2>From source</h2>
    <ul><li>Clone the repository</li><li>Run <code>npm ci</code> and then build</li></ul>
    <p>Line one<br>line two</p>
  </article>
  <footer>Copyright FOOTER_TEXT</footer>
  <script>console.log('SECRET_SCRIPT_2')</script>
</body>
</html>`;

describe('extractHtml', () => {
  it('drops scripts, styles, navigation and footers', async () => {
    const { text } = await extractHtml(guide);
    for (const unwanted of ['SECRET_SCRIPT', 'SECRET_STYLE', 'NAV_LINK', 'FOOTER_TEXT', 'color: red']) {
      expect(text).not.toContain(unwanted);
    }
  });

  it('keeps headings as sections with their trail', async () => {
    const { text, sections } = await extractHtml(guide);
    const lines = text.split('\n');
    const sectionText = (index: number): string => {
      const section = sections[index];
      return section === undefined ? '' : lines.slice(section.startLine - 1, section.endLine).join('\n');
    };
    expect(sections.map((section) => section.headingPath)).toEqual([
      [],
      ['From npm'],
      ['From npm', 'Options'],
      ['From source'],
    ]);
    expect(sectionText(0)).toContain('Quarry runs on one laptop');
    expect(sectionText(1)).toContain('From npm');
    expect(sectionText(1)).toContain('Install the command line tool');
    expect(sectionText(3)).toContain('- Clone the repository');
  });

  it('keeps line breaks of code, table cells and list items', async () => {
    const { text } = await extractHtml(guide);
    expect(text).toContain('npm install -g quarry\nquarry --version');
    expect(text).toContain('Flag | Meaning\n--home | Where Quarry keeps its data');
    expect(text).toContain('- Clone the repository\n- Run npm ci and then build');
    expect(text).toContain('Line one\nline two');
    expect(text).toContain('Node 20 or newer and about 200 MB of disk space');
  });

  it('takes the title from the page', async () => {
    expect((await extractHtml(guide)).title).toBe('Install guide');
  });

  it('falls back to the body when Readability finds no article', async () => {
    // Readability ignores hidden elements, such as the inactive tabs of a documentation page.
    const page =
      '<html><head><title>Tabs</title></head><body><div hidden><p>npm install quarry</p></div></body></html>';
    const extracted = await extractHtml(page);
    expect(extracted.title).toBe('Tabs');
    expect(extracted.text).toBe('npm install quarry');
  });

  it('reads a page that is only a table', async () => {
    const page =
      '<html><body><table><tr><td>a</td><td>b</td></tr><tr><td></td><td></td></tr></table></body></html>';
    expect((await extractHtml(page)).text).toBe('a | b');
  });

  it('extracts nothing from an empty page', async () => {
    expect(await extractHtml('')).toEqual({ text: '', sections: [] });
  });
});
