import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatByteSize } from '../src/core/byte-size.ts';
import { measureNfcorpus, type NfcorpusMeasurement } from './knowledge-nfcorpus.ts';
import { measureSynthetic, type SyntheticMeasurement } from './knowledge-synthetic.ts';

const defaultDataset = '../shared/datasets/nfcorpus.zip';
const repetitions = 3;

function options() {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      chunks: { type: 'string', default: '1000000' },
      dataset: { type: 'string', default: defaultDataset },
      only: { type: 'string' },
    },
  });
  const chunks = Number(values.chunks);
  if (!Number.isInteger(chunks) || chunks < 1)
    throw new Error(`--chunks takes a whole number, not ${values.chunks}`);
  if (values.only !== undefined && values.only !== 'nfcorpus' && values.only !== 'synthetic') {
    throw new Error('--only takes nfcorpus or synthetic');
  }
  return { chunks, dataset: values.dataset, only: values.only };
}

const milliseconds = (value: number) => `${value.toFixed(2)} ms`;

function printNfcorpus(result: NfcorpusMeasurement): void {
  console.log(
    `\nNFCorpus: ${result.documents} documents → ${result.chunks} chunks; indexing is the median of ${result.repetitions} runs into a fresh file on disk; ${result.queries} test queries, limit 10, warm\n`,
  );
  console.log('| measure | quarry | bare FTS5 | ratio | target |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| index time | ${result.quarryIndexSeconds.toFixed(2)} s (chunking alone ${result.chunkingSeconds.toFixed(2)} s) | ${result.fts5IndexSeconds.toFixed(2)} s | ${result.indexRatio.toFixed(2)}x | ≤ 1.5x ${result.indexRatio <= 1.5 ? 'met' : 'MISSED'} |`,
  );
  console.log(
    `| query p50 | ${milliseconds(result.quarryQueryP50Ms)} | ${milliseconds(result.fts5QueryP50Ms)} | ${(result.quarryQueryP50Ms / result.fts5QueryP50Ms).toFixed(2)}x | < 5 ms ${result.quarryQueryP50Ms < 5 ? 'met' : 'MISSED'} |`,
  );
  console.log(
    `| query p99 | ${milliseconds(result.quarryQueryP99Ms)} | ${milliseconds(result.fts5QueryP99Ms)} | ${(result.quarryQueryP99Ms / result.fts5QueryP99Ms).toFixed(2)}x | |`,
  );
  console.log(
    `| nDCG@10 | ${result.quarryNdcgAt10.toFixed(4)} | ${result.fts5NdcgAt10.toFixed(4)} | | ≥ 0.32 ${result.quarryNdcgAt10 >= 0.32 ? 'met' : 'MISSED'} |`,
  );
  console.log(
    `| Recall@100, MRR@10 | ${result.quarryRecallAt100.toFixed(4)}, ${result.quarryMrrAt10.toFixed(4)} | | | |`,
  );
}

function printSynthetic(result: SyntheticMeasurement): void {
  console.log(
    `\nSynthetic: ${result.chunks} chunks (${result.documents} documents of ${result.chunksPerDocument}), Zipf vocabulary of ${result.vocabulary} words, ${formatByteSize(result.textBytes)} of text; ${result.queries} queries of 1–4 words, limit 10, warm\n`,
  );
  console.log(
    '| build | chunks/s | size on disk | query p50 | query p99 | bare FTS5 p50 | bare FTS5 p99 | peak RSS |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${result.buildSeconds.toFixed(1)} s | ${result.chunksPerSecond.toFixed(0)} | ${formatByteSize(result.sizeBytes)} | ${milliseconds(result.queryP50Ms)} | ${milliseconds(result.queryP99Ms)} | ${milliseconds(result.fts5QueryP50Ms)} | ${milliseconds(result.fts5QueryP99Ms)} | ${result.peakRssMiB.toFixed(0)} MiB |`,
  );
  console.log('\nslowest queries:');
  for (const query of result.slowest) {
    console.log(
      `  "${query.text}": ${milliseconds(query.ms)} (bare FTS5 ${milliseconds(query.fts5Ms)}), ${query.matchingChunks} matching chunks`,
    );
  }
}

/**
 * `npm run bench -- knowledge [--chunks N] [--dataset nfcorpus.zip] [--only nfcorpus|synthetic]`:
 * (a) NFCorpus indexing and query latency against bare FTS5 in the same run, plus nDCG@10; (b) a
 * synthetic index of N chunks (1,000,000 by default): build time, size, query latency, peak RSS.
 */
export async function main(): Promise<void> {
  const settings = options();
  const report: Record<string, unknown> = { benchmark: 'knowledge' };
  if (settings.only !== 'synthetic') {
    if (existsSync(settings.dataset)) {
      console.error(`measuring NFCorpus (${settings.dataset}) …`);
      const nfcorpus = await measureNfcorpus(settings.dataset, repetitions);
      printNfcorpus(nfcorpus);
      report.nfcorpus = nfcorpus;
    } else {
      console.error(`skipping NFCorpus: ${settings.dataset} not found (give --dataset)`);
    }
  }
  if (settings.only !== 'nfcorpus') {
    console.error(`building a synthetic index of ${settings.chunks} chunks …`);
    const synthetic = await measureSynthetic(settings.chunks, (line) => console.error(line));
    printSynthetic(synthetic);
    report.synthetic = synthetic;
  }
  console.log(`\n${JSON.stringify(report)}`);
}
