/**
 * Read access to the files of a dataset, a folder or a zip archive alike. Paths are relative to the
 * dataset's root and use forward slashes (`qrels/test.tsv`).
 */
export interface DatasetFiles {
  /** Where the root is inside the folder or archive (`nfcorpus/`), or `''` at the top; for messages. */
  readonly root: string;
  has(relativePath: string): Promise<boolean>;
  /** Names of the files directly inside `folder` (not of subfolders), sorted; `[]` when it is missing. */
  list(folder: string): Promise<string[]>;
  /** The file's lines, streamed (see `textLines`). */
  lines(relativePath: string): AsyncIterable<string>;
  close(): Promise<void>;
}

/** The files that mark a dataset's root: with neither at the top, the dataset may sit in one top folder. */
export const rootMarkers = ['corpus.jsonl', 'queries.jsonl'] as const;

/** The hint every "this is not a BEIR dataset" error carries. */
export const beirLayoutHint =
  'Give a folder or .zip in the BEIR layout: corpus.jsonl, queries.jsonl and qrels/<split>.tsv, at the top or inside one top folder (as in the BEIR downloads, e.g. nfcorpus.zip).';

/** Dot folders and the `__MACOSX` folder macOS adds to zips are never a dataset's top folder. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || name === '__MACOSX';
}
