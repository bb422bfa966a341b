const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');
const replacementCharacter = '\uFFFD';

/** The text of a file and how many of its bytes were not valid in its encoding. */
export interface DecodedText {
  text: string;
  /** Replacement characters (U+FFFD) introduced for invalid bytes; 0 for clean files. */
  invalidBytes: number;
}

/**
 * Decodes a file's bytes as UTF-8, dropping a byte-order mark. Files that start with a UTF-16 byte-order
 * mark (Windows editors still write them) are decoded as UTF-16. Invalid sequences become U+FFFD and are
 * counted in `invalidBytes`, so callers can report a damaged or mis-encoded file; this never throws.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const utf16 = utf16Encoding(bytes);
  if (utf16 !== undefined) return decodeLeniently(bytes, new TextDecoder(utf16));
  try {
    return { text: strictUtf8.decode(bytes), invalidBytes: 0 };
  } catch {
    return decodeLeniently(bytes, lenientUtf8);
  }
}

function decodeLeniently(bytes: Uint8Array, decoder: TextDecoder): DecodedText {
  const text = decoder.decode(bytes);
  // U+FFFD may also be written legitimately in the file; only the ones the decoder added are counted.
  const introduced = countOf(text, replacementCharacter) - legitimateReplacementCharacters(bytes, decoder);
  return { text, invalidBytes: Math.max(0, introduced) };
}

function utf16Encoding(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

function legitimateReplacementCharacters(bytes: Uint8Array, decoder: TextDecoder): number {
  let count = 0;
  if (decoder.encoding === 'utf-8') {
    for (let index = 0; index + 2 < bytes.length; index++) {
      if (bytes[index] === 0xef && bytes[index + 1] === 0xbf && bytes[index + 2] === 0xbd) count++;
    }
    return count;
  }
  const [high, low] = decoder.encoding === 'utf-16le' ? [1, 0] : [0, 1];
  for (let index = 2; index + 1 < bytes.length; index += 2) {
    if (bytes[index + high] === 0xff && bytes[index + low] === 0xfd) count++;
  }
  return count;
}

function countOf(text: string, character: string): number {
  let count = 0;
  for (let index = text.indexOf(character); index !== -1; index = text.indexOf(character, index + 1)) count++;
  return count;
}
