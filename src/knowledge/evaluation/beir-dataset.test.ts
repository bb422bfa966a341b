import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildZip, type ZipEntrySpec } from '../../../test/support/archives.ts';
import { type QuarryError, ValidationError } from '../../core/errors/index.ts';
import { type BeirDataset, type BeirDocument, openBeirDataset } from './beir-dataset.ts';

/** A tiny dataset: file path (relative to the dataset root) → content. */
const tinyDataset: Record<string, string> = {
  'corpus.jsonl': [
    '{"_id": "d1", "title": "Apple pie", "text": "Bake it with cinnamon."}',
    '{"_id": "d2", "text": "No title here: caf\u00e9 \u2013 \ud83c\udf4e"}',
    '',
    '{"_id": 3, "title": "Numeric id", "text": ""}',
  ].join('\n'),
  'queries.jsonl': '{"_id": "q1", "text": "apple pie", "metadata": {}}\n{"_id": "q2", "text": "cafe"}\n',
  'qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\nq2\td2\t1\n',
  'qrels/train.tsv': 'query-id\tcorpus-id\tscore\nq2\td1\t1\n',
};

const expectedCorpus: BeirDocument[] = [
  { id: 'd1', title: 'Apple pie', text: 'Bake it with cinnamon.' },
  { id: 'd2', title: '', text: 'No title here: café – 🍎' },
  { id: '3', title: 'Numeric id', text: '' },
];

let scratch: string;
const opened: BeirDataset[] = [];

beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-beir-'));
});

afterEach(async () => {
  for (const dataset of opened.splice(0)) await dataset.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

function writeFolder(folder: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(folder, ...name.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return folder;
}

function writeZip(
  name: string,
  files: Record<string, string>,
  prefix = '',
  extra: ZipEntrySpec[] = [],
): string {
  const entries: ZipEntrySpec[] = [
    ...(prefix ? [{ path: prefix, type: 'directory' as const }] : []),
    ...Object.entries(files).map(([file, body]) => ({ path: prefix + file, body })),
    ...extra,
  ];
  const archive = path.join(scratch, name);
  fs.writeFileSync(archive, buildZip(entries));
  return archive;
}

async function open(location: string): Promise<BeirDataset> {
  const dataset = await openBeirDataset(location);
  opened.push(dataset);
  return dataset;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

async function rejection(promise: Promise<unknown>): Promise<QuarryError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as QuarryError;
}

async function expectTinyDataset(dataset: BeirDataset): Promise<void> {
  expect(await collect(dataset.corpus())).toEqual(expectedCorpus);
  expect(await dataset.queries()).toEqual(
    new Map([
      ['q1', 'apple pie'],
      ['q2', 'cafe'],
    ]),
  );
  expect(dataset.splits).toEqual(['test', 'train']);
  expect(await dataset.qrels('test')).toEqual(
    new Map([
      [
        'q1',
        new Map([
          ['d1', 2],
          ['d2', 0],
        ]),
      ],
      ['q2', new Map([['d2', 1]])],
    ]),
  );
  expect(await dataset.qrels('train')).toEqual(new Map([['q2', new Map([['d1', 1]])]]));
}

describe('openBeirDataset reads', () => {
  it('a folder', async () => {
    await expectTinyDataset(await open(writeFolder(path.join(scratch, 'plain'), tinyDataset)));
  });

  it('a folder whose dataset sits in its only subfolder', async () => {
    const outer = path.join(scratch, 'outer');
    writeFolder(path.join(outer, 'tiny'), tinyDataset);
    fs.mkdirSync(path.join(outer, '.cache'));
    await expectTinyDataset(await open(outer));
  });

  it('a zip with one top folder, as the BEIR downloads are', async () => {
    const extra: ZipEntrySpec[] = [{ path: '__MACOSX/tiny/._corpus.jsonl', body: 'junk' }];
    await expectTinyDataset(await open(writeZip('tiny.zip', tinyDataset, 'tiny/', extra)));
  });

  it('a zip with the files at its top, stored or deflated', async () => {
    await expectTinyDataset(await open(writeZip('flat.zip', tinyDataset)));
    const stored = buildZip(
      Object.entries(tinyDataset).map(([file, body]) => ({ path: file, body, method: 'store' })),
    );
    fs.writeFileSync(path.join(scratch, 'stored.zip'), stored);
    await expectTinyDataset(await open(path.join(scratch, 'stored.zip')));
  });

  it('Windows line endings and a byte-order mark', async () => {
    const files = {
      ...tinyDataset,
      'corpus.jsonl': `\ufeff${tinyDataset['corpus.jsonl']?.replaceAll('\n', '\r\n')}\r\n`,
      'qrels/test.tsv': tinyDataset['qrels/test.tsv']?.replaceAll('\n', '\r\n') ?? '',
    };
    await expectTinyDataset(await open(writeZip('crlf.zip', files, 'tiny/')));
  });

  it('a corpus larger than one read, streamed line by line, and stops early when asked', async () => {
    const lines = Array.from({ length: 20_000 }, (_, index) =>
      JSON.stringify({ _id: `d${index}`, title: '', text: `document ${index} ${'x'.repeat(index % 50)}` }),
    );
    const dataset = await open(writeZip('big.zip', { ...tinyDataset, 'corpus.jsonl': lines.join('\n') }));
    let count = 0;
    for await (const document of dataset.corpus()) {
      expect(document.id).toBe(`d${count}`);
      count += 1;
    }
    expect(count).toBe(20_000);
    for await (const document of dataset.corpus()) {
      expect(document.id).toBe('d0');
      break;
    }
    // The archive stays usable after a reader stopped early.
    expect((await dataset.queries()).size).toBe(2);
  });
});

describe('openBeirDataset rejects', () => {
  it('a path where nothing is', async () => {
    const error = await rejection(openBeirDataset(path.join(scratch, 'missing.zip')));
    expect(error.message).toBe(
      `There is no dataset at ${path.join(scratch, 'missing.zip')}: no such file or folder.`,
    );
    expect(error.hint).toContain('corpus.jsonl, queries.jsonl and qrels/<split>.tsv');
  });

  it('a file that is not a zip archive', async () => {
    const file = path.join(scratch, 'corpus.jsonl');
    fs.writeFileSync(file, tinyDataset['corpus.jsonl'] ?? '');
    const error = await rejection(openBeirDataset(file));
    expect(error.message).toMatch(
      /^The dataset at .*corpus\.jsonl is neither a folder nor a readable zip archive \(/,
    );
    expect(error.hint).toContain('BEIR layout');
    // Reading it did not touch it.
    expect(fs.readFileSync(file, 'utf8')).toBe(tinyDataset['corpus.jsonl']);
  });

  it('a dataset without corpus.jsonl or queries.jsonl', async () => {
    const { 'corpus.jsonl': _corpus, ...withoutCorpus } = tinyDataset;
    const noCorpus = await rejection(openBeirDataset(writeZip('no-corpus.zip', withoutCorpus, 'tiny/')));
    expect(noCorpus.message).toMatch(/has no corpus\.jsonl \(looked inside its top folder tiny\/\)\.$/);
    expect(noCorpus.hint).toContain('BEIR layout');

    const { 'queries.jsonl': _queries, ...withoutQueries } = tinyDataset;
    const folder = writeFolder(path.join(scratch, 'no-queries'), withoutQueries);
    const noQueries = await rejection(openBeirDataset(folder));
    expect(noQueries.message).toBe(`The dataset at ${folder} has no queries.jsonl.`);
  });

  it('an empty folder', async () => {
    fs.mkdirSync(path.join(scratch, 'empty'));
    const error = await rejection(openBeirDataset(path.join(scratch, 'empty')));
    expect(error.message).toContain('has no corpus.jsonl');
  });

  it('a split without a qrels file, naming the splits there are', async () => {
    const dataset = await open(writeZip('tiny.zip', tinyDataset, 'tiny/'));
    const error = await rejection(dataset.qrels('dev'));
    expect(error.message).toMatch(
      /has no relevance judgements for the split "dev" \(no tiny\/qrels\/dev\.tsv\)\.$/,
    );
    expect(error.hint).toBe('Its splits are: test, train. Choose one of them.');
    expect((await rejection(dataset.qrels('../test'))).message).toContain('"../test"');
  });

  it('a dataset with no qrels at all', async () => {
    const { 'qrels/test.tsv': _test, 'qrels/train.tsv': _train, ...withoutQrels } = tinyDataset;
    const dataset = await open(writeFolder(path.join(scratch, 'no-qrels'), withoutQrels));
    expect(dataset.splits).toEqual([]);
    expect((await rejection(dataset.qrels('test'))).hint).toContain('no qrels/<split>.tsv file at all');
  });

  it('a malformed JSON line, naming the file and line', async () => {
    const corpus = `${tinyDataset['corpus.jsonl']}\n{"_id": "d4", "text": "cut off`;
    const dataset = await open(writeZip('bad.zip', { ...tinyDataset, 'corpus.jsonl': corpus }, 'tiny/'));
    const documents: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const document of dataset.corpus()) documents.push(document.id);
      })(),
    );
    expect(error.message).toMatch(/^Line 5 of tiny\/corpus\.jsonl in .*bad\.zip is not valid JSON \(.+\)\.$/);
    expect(error.hint).toContain('one JSON object');
    // Everything before the bad line was read.
    expect(documents).toEqual(['d1', 'd2', '3']);
  });

  it('lines that are not objects, lack an _id or have a non-text field', async () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        'queries.jsonl',
        '{"_id": "q1", "text": "ok"}\n["q2", "array"]\n',
        /^Line 2 of queries\.jsonl .* is not a JSON object\.$/,
      ],
      ['queries.jsonl', '{"text": "no id"}\n', /^Line 1 of queries\.jsonl .* has no "_id"\.$/],
      [
        'queries.jsonl',
        '{"_id": "q1", "text": 42}\n',
        /^Line 1 of queries\.jsonl .* has a "text" that is not text\.$/,
      ],
    ];
    for (const [file, content, message] of cases) {
      const folder = writeFolder(fs.mkdtempSync(path.join(scratch, 'case-')), {
        ...tinyDataset,
        [file]: content,
      });
      const dataset = await open(folder);
      expect((await rejection(dataset.queries())).message).toMatch(message);
    }
  });

  it('a malformed qrels line, naming the file and line', async () => {
    const qrels = 'query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\nq2\td2\t1\n';
    const dataset = await open(
      writeFolder(path.join(scratch, 'bad-qrels'), { ...tinyDataset, 'qrels/test.tsv': qrels }),
    );
    const error = await rejection(dataset.qrels('test'));
    expect(error.message).toMatch(
      /^Line 3 of qrels\/test\.tsv in .* is not "query-id<TAB>corpus-id<TAB>score"/,
    );
    const badScore = 'query-id\tcorpus-id\tscore\nq1\td1\thigh\n';
    const other = await open(
      writeFolder(path.join(scratch, 'bad-score'), { ...tinyDataset, 'qrels/test.tsv': badScore }),
    );
    expect((await rejection(other.qrels('test'))).message).toContain('Line 2 of qrels/test.tsv');
  });

  it('a zip entry whose checksum does not match', async () => {
    const archive = path.join(scratch, 'corrupt.zip');
    const entries: ZipEntrySpec[] = Object.entries(tinyDataset).map(([file, body]) => ({
      path: file,
      body,
      ...(file === 'queries.jsonl' ? { crc: 1234 } : {}),
    }));
    fs.writeFileSync(archive, buildZip(entries));
    const dataset = await open(archive);
    const error = await rejection(dataset.queries());
    expect(error.message).toMatch(
      /^Cannot read queries\.jsonl in the dataset archive .*: its CRC-32 checksum does not match\.$/,
    );
    expect(error.hint).toContain('download the dataset again');
  });
});
