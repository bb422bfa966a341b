/** `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">`. */
const metaCharset = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i;

/**
 * The charset an HTML page declares in its first bytes (the HTML standard's prescan, simplified), in
 * lower case; `undefined` when it declares none, declares UTF-8 (the default anyway) or starts with a
 * byte-order mark (which wins over any declaration).
 */
export function sniffHtmlCharset(head: Uint8Array): string | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return undefined;
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return undefined;
  const text = Buffer.from(head).toString('latin1');
  const charset = metaCharset.exec(text)?.[1]?.toLowerCase();
  if (!charset || charset === 'utf-8' || charset === 'utf8') return undefined;
  return charset;
}
