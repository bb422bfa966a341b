import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors/index.ts';
import { loadConfig } from './load-config.ts';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'quarry-config-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('uses defaults when nothing is configured', () => {
    const { config, configFile } = loadConfig({ cwd, environment: {} });
    expect(configFile).toBeNull();
    expect(config.home).toBe(path.join(cwd, '.quarry'));
    expect(config.store).toBe(`file://${path.join(cwd, '.quarry', 'objects')}`);
    expect(config.sync.repos).toEqual(['awslabs/aws-solutions-constructs', 'aws/aws-iot-device-sdk-js-v2']);
    expect(config.sync.maxDownloadBytes).toBe(2 * 1024 ** 3);
    expect(config.sync.maxFiles).toBe(200_000);
    expect(config.github.apiUrl).toBe('https://api.github.com');
  });

  it('reads knowledge settings: defaults, yes/no text from the environment, and clear errors', async () => {
    const defaults = loadConfig({ cwd, environment: {} }).config.knowledge;
    expect(defaults).toMatchObject({
      index: 'sqlite',
      indexAfterSync: true,
      keepArchivedVersions: false,
      maxFileBytes: 2_000_000,
      embedding: { provider: 'none', batchSize: 32 },
    });
    const { config } = loadConfig({
      cwd,
      environment: {
        QUARRY_INDEX_AFTER_SYNC: 'false',
        QUARRY_KEEP_ARCHIVED_VERSIONS: 'yes',
        QUARRY_MAX_FILE_BYTES: '512KiB',
        QUARRY_EMBEDDING_PROVIDER: 'openai-compatible',
        QUARRY_EMBEDDING_BASE_URL: 'http://127.0.0.1:11434/v1',
        QUARRY_INDEX: 'postgres://quarry:secret@db.internal/quarry',
      },
    });
    expect(config.knowledge).toMatchObject({
      indexAfterSync: false,
      keepArchivedVersions: true,
      maxFileBytes: 512 * 1024,
      index: 'postgres://quarry:secret@db.internal/quarry',
      embedding: { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' },
    });
    expect(() => loadConfig({ cwd, environment: { QUARRY_INDEX_AFTER_SYNC: 'maybe' } })).toThrow(
      /knowledge\.indexAfterSync \(from environment\): expected true or false/,
    );
    expect(() => loadConfig({ cwd, environment: { QUARRY_EMBEDDING_PROVIDER: 'magic' } })).toThrow(
      /knowledge\.embedding\.provider/,
    );
    expect(() => loadConfig({ cwd, environment: { QUARRY_INDEX: 'mysql://x' } })).toThrow(/postgres/);
  });

  it('applies flag > environment > file > default, and resolves paths against their origin', async () => {
    await writeFile(
      path.join(cwd, 'quarry.config.yaml'),
      'home: data\nsync:\n  maxFiles: 10\n  maxExtractedBytes: 1GiB\n  repos:\n    - { id: a/b, ignoreFile: rules.ignore }\n',
    );
    const { config } = loadConfig({
      cwd,
      environment: {
        QUARRY_SYNC_MAX_FILES: '20',
        QUARRY_NOTIFY_WEBHOOKS: 'https://a.example/x, https://b.example/y',
      },
      flags: { home: '/srv/quarry' },
    });
    expect(config.home).toBe('/srv/quarry');
    expect(config.sync.maxFiles).toBe(20);
    expect(config.sync.maxExtractedBytes).toBe(1024 ** 3);
    expect(config.sync.repos).toEqual([{ id: 'a/b', ignoreFile: path.join(cwd, 'rules.ignore') }]);
    expect(config.notify.webhooks).toEqual(['https://a.example/x', 'https://b.example/y']);
  });

  it('reads the file named by QUARRY_CONFIG, and --config over it', async () => {
    await writeFile(path.join(cwd, 'one.yaml'), 'sync:\n  maxFiles: 1\n');
    await writeFile(path.join(cwd, 'two.yaml'), 'sync:\n  maxFiles: 2\n');
    expect(loadConfig({ cwd, environment: { QUARRY_CONFIG: 'one.yaml' } }).config.sync.maxFiles).toBe(1);
    expect(
      loadConfig({ cwd, environment: { QUARRY_CONFIG: 'one.yaml' }, configFile: 'two.yaml' }).config.sync
        .maxFiles,
    ).toBe(2);
  });

  it('names the field, its source and the expectation for an invalid value', async () => {
    await writeFile(path.join(cwd, 'quarry.config.yaml'), 'sync:\n  maxDownloadBytes: huge\n');
    expect(() => loadConfig({ cwd, environment: {} })).toThrow(
      /sync\.maxDownloadBytes \(from quarry\.config\.yaml\): expected a byte size/,
    );
    expect(() => loadConfig({ cwd, environment: { QUARRY_STORE: 'ftp://x' } })).toThrow(
      /store \(from environment\)/,
    );
    expect(() => loadConfig({ cwd, environment: { QUARRY_NOTIFY_SNS_TOPIC_ARN: 'topic' } })).toThrow(
      /notify\.snsTopicArn/,
    );
  });

  it('reports YAML syntax errors with line and column, and a missing explicit file', async () => {
    await writeFile(path.join(cwd, 'quarry.config.yaml'), 'sync:\n  repos: [a/b\n');
    expect(() => loadConfig({ cwd, environment: {} })).toThrow(/not valid YAML at line \d+, column \d+/);
    expect(() => loadConfig({ cwd, environment: {}, configFile: 'nope.yaml' })).toThrow(ValidationError);
  });

  it('rejects duplicate keys and a file that is not a mapping', async () => {
    await writeFile(path.join(cwd, 'quarry.config.yaml'), 'home: a\nhome: b\n');
    expect(() => loadConfig({ cwd, environment: {} })).toThrow(/not valid YAML/);
    await writeFile(path.join(cwd, 'quarry.config.yaml'), '- a\n- b\n');
    expect(() => loadConfig({ cwd, environment: {} })).toThrow(/mapping/);
  });
});
