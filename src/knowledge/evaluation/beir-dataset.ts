import { ValidationError } from '../../core/errors/index.ts';
import { beirLayoutHint, type DatasetFiles } from './dataset-files.ts';
import { openDatasetFiles } from './open-dataset-files.ts';

/** One document of a BEIR corpus. */
export interface BeirDocument {
  id: string;
  /** `''` when the corpus gives none. */
  title: string;
  text: string;
}

/** Relevance judgements of a split: query id → (document id → grade). */
export type BeirQrels = Map<string, Map<string, number>>;

/**
 * A retrieval benchmark in the BEIR layout: `corpus.jsonl` (`{_id, title, text}` per line),
 * `queries.jsonl` (`{_id, text}`) and `qrels/<split>.tsv` (`query-id`, `corpus-id`, `score`, tab
 * separated, after a header line). Close it when done.
 */
export interface BeirDataset {
  /** The folder or archive it was opened from. */
  readonly location: string;
  /** The splits that have a qrels file (`dev`, `test`, `train`, …), sorted. */
  readonly splits: readonly string[];
  /** The documents, streamed line by line: the corpus is never held in memory. */
  corpus(): AsyncIterable<BeirDocument>;
  /** Query id → query text. */
  queries(): Promise<Map<string, string>>;
  /** The judgements of one split; a `ValidationError` naming the existing splits when it has none. */
  qrels(split: string): Promise<BeirQrels>;
  close(): Promise<void>;
}

/**
 * Opens a BEIR dataset from a folder or a .zip, with or without one top folder (`nfcorpus/…`). Throws a
 * `ValidationError` with a hint when nothing is at `location`, when it is neither a folder nor a zip, or
 * when `corpus.jsonl` or `queries.jsonl` is missing. Malformed lines are reported, with their file and
 * line number, when they are read.
 */
export async function openBeirDataset(location: string): Promise<BeirDataset> {
  const files = await openDatasetFiles(location);
  try {
    for (const required of ['corpus.jsonl', 'queries.jsonl']) {
      if (!(await files.has(required))) throw missingFile(location, files.root, required);
    }
    const splits = (await files.list('qrels'))
      .filter((name) => name.endsWith('.tsv'))
      .map((name) => name.slice(0, -'.tsv'.length));
    return new FilesBeirDataset(location, files, splits);
  } catch (error) {
    await files.close();
    throw error;
  }
}

class FilesBeirDataset implements BeirDataset {
  constructor(
    readonly location: string,
    private readonly files: DatasetFiles,
    readonly splits: readonly string[],
  ) {}

  async *corpus(): AsyncIterable<BeirDocument> {
    for await (const { record, where } of this.jsonLines('corpus.jsonl')) {
      yield {
        id: idOf(record, where),
        title: textField(record, 'title', where),
        text: textField(record, 'text', where),
      };
    }
  }

  async queries(): Promise<Map<string, string>> {
    const queries = new Map<string, string>();
    for await (const { record, where } of this.jsonLines('queries.jsonl')) {
      queries.set(idOf(record, where), textField(record, 'text', where));
    }
    return queries;
  }

  async qrels(split: string): Promise<BeirQrels> {
    const file = `qrels/${split}.tsv`;
    if (!/^[\w.-]+$/.test(split) || !this.splits.includes(split)) {
      throw new ValidationError(
        `The dataset at ${this.location} has no relevance judgements for the split ${JSON.stringify(split)} (no ${this.files.root}${file}).`,
        {
          hint:
            this.splits.length > 0
              ? `Its splits are: ${this.splits.join(', ')}. Choose one of them.`
              : `It has no qrels/<split>.tsv file at all. ${beirLayoutHint}`,
        },
      );
    }
    const qrels: BeirQrels = new Map();
    let lineNumber = 0;
    for await (const line of this.files.lines(file)) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      const fields = line.trim().split(/\t| +/);
      const [queryId, documentId, score] = fields;
      const isGrade = score !== undefined && /^-?\d+$/.test(score);
      // BEIR files start with a `query-id corpus-id score` header.
      if (lineNumber === 1 && !isGrade) continue;
      if (fields.length !== 3 || queryId === undefined || documentId === undefined || !isGrade) {
        throw new ValidationError(
          `Line ${lineNumber} of ${this.files.root}${file} in ${this.location} is not "query-id<TAB>corpus-id<TAB>score" with a whole-number score: ${JSON.stringify(line.slice(0, 80))}.`,
          { hint: 'Fix or remove that line; BEIR qrels files have exactly three tab-separated columns.' },
        );
      }
      let judgements = qrels.get(queryId);
      if (!judgements) {
        judgements = new Map();
        qrels.set(queryId, judgements);
      }
      judgements.set(documentId, Number(score));
    }
    return qrels;
  }

  close(): Promise<void> {
    return this.files.close();
  }

  /** Parsed lines of a JSON Lines file, blank lines skipped, each with where it came from for errors. */
  private async *jsonLines(file: string): AsyncIterable<{ record: Record<string, unknown>; where: string }> {
    let lineNumber = 0;
    for await (const line of this.files.lines(file)) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      const where = `Line ${lineNumber} of ${this.files.root}${file} in ${this.location}`;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (error) {
        throw new ValidationError(`${where} is not valid JSON (${(error as Error).message}).`, {
          hint: 'Each line of a .jsonl file must be one JSON object; fix or remove that line.',
          cause: error,
        });
      }
      if (typeof record !== 'object' || record === null || Array.isArray(record)) {
        throw new ValidationError(`${where} is not a JSON object.`, {
          hint: 'Each line of a .jsonl file must be one JSON object such as {"_id": "…", "text": "…"}.',
        });
      }
      yield { record: record as Record<string, unknown>, where };
    }
  }
}

function idOf(record: Record<string, unknown>, where: string): string {
  const id = record._id;
  if ((typeof id === 'string' && id !== '') || typeof id === 'number') return String(id);
  throw new ValidationError(`${where} has no "_id".`, {
    hint: 'Every corpus and query line needs an "_id" that qrels files refer to.',
  });
}

function textField(record: Record<string, unknown>, field: 'title' | 'text', where: string): string {
  const value = record[field];
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  throw new ValidationError(`${where} has a "${field}" that is not text.`, {
    hint: `"${field}" must be a JSON string.`,
  });
}

function missingFile(location: string, root: string, file: string): ValidationError {
  const where = root === '' ? '' : ` (looked inside its top folder ${root})`;
  return new ValidationError(`The dataset at ${location} has no ${file}${where}.`, { hint: beirLayoutHint });
}
