/**
 * Test support: writes a small but valid PDF 1.4 (one page per entry of `pages`, each a list of text
 * lines in Helvetica) with a correct cross-reference table, so tests need no binary fixtures. Text must be
 * ASCII without `(`, `)` or `\`.
 */
export function minimalPdf(pages: string[][], options: { title?: string } = {}): Uint8Array {
  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);
  const catalog = add('');
  const pageTree = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const pageObjects = pages.map((lines) => {
    const operators = [
      'BT',
      '/F1 12 Tf',
      '16 TL',
      '72 720 Td',
      ...lines.flatMap((line) => [`(${line}) Tj`, 'T*']),
      'ET',
    ];
    const stream = operators.join('\n');
    const contents = add(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
    return add(
      `<< /Type /Page /Parent ${pageTree} 0 R /MediaBox [0 0 612 792] ` +
        `/Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${contents} 0 R >>`,
    );
  });
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pageTree} 0 R >>`;
  objects[pageTree - 1] =
    `<< /Type /Pages /Kids [${pageObjects.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageObjects.length} >>`;
  const info = options.title === undefined ? undefined : add(`<< /Title (${options.title}) >>`);

  let file = '%PDF-1.4\n';
  const offsets = objects.map((body, index) => {
    const offset = file.length;
    file += `${index + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const crossReference = file.length;
  // Every entry is exactly 20 bytes, end of line included, as the format requires.
  file += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  file += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  const infoEntry = info === undefined ? '' : ` /Info ${info} 0 R`;
  file += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R${infoEntry} >>\n`;
  file += `startxref\n${crossReference}\n%%EOF\n`;
  return new TextEncoder().encode(file);
}
