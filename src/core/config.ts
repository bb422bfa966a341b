import { z } from 'zod';
import { parseByteSize } from './byte-size.ts';
import { ValidationError } from './errors/index.ts';
import { modelsSchema } from './model-config.ts';

/** Repositories synced when the configuration names none. */
export const defaultRepos = ['awslabs/aws-solutions-constructs', 'aws/aws-iot-device-sdk-js-v2'] as const;

const gibibyte = 1024 ** 3;

/** A whole number, also accepted as text (environment variables and flags are text). */
const count = (minimum: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
    z.number().int().min(minimum),
  );

/** A yes/no setting, also accepted as `true`/`false`/`1`/`0` text (environment variables are text). */
const flag = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const text = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(text)) return true;
    if (['false', '0', 'no', 'off'].includes(text)) return false;
    return value;
  },
  z.boolean({ error: 'expected true or false' }),
);

/** Bytes as a number or a size such as `2GiB`. */
const byteSize = z.preprocess(
  (value) => (typeof value === 'string' ? (parseByteSize(value) ?? value) : value),
  z.number({ error: 'expected a byte size such as 2GiB, 500MB or 1048576' }).int().positive(),
);

/** Comma-separated text (from the environment) or a YAML list. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)
        : value,
    z.array(item),
  );

const repoEntrySchema = z.union([
  z.string(),
  z.object({
    id: z.string(),
    enabled: z.boolean().optional(),
    ignoreFile: z.string().optional(),
    track: z.enum(['releases', 'tags']).optional(),
    asset: z.string().optional(),
  }),
]);

/** Which embedding model turns chunks into vectors; `none` keeps search keyword-only. */
/** One site of `crawl.sites`: the options of `quarry crawl`. */
export const crawlSiteSchema = z.object({
  urls: list(z.url({ protocol: /^https?$/, error: 'expected http(s) start URLs' })).pipe(
    z.array(z.string()).min(1),
  ),
  depth: count(0).pipe(z.number().max(20)).default(2),
  maxPages: count(1).default(500),
  include: list(z.string().min(1)).default([]),
  exclude: list(z.string().min(1)).default([]),
  render: flag.default(false),
  source: z.string().min(1).optional(),
  concurrency: count(1).pipe(z.number().max(32)).default(4),
  allowPrivateNetworks: flag.optional(),
});

/** One site of `crawl.sites`, validated, with defaults filled in. */
export type CrawlSiteConfig = z.infer<typeof crawlSiteSchema>;

const embeddingSchema = z.object({
  provider: z.enum(['none', 'openai-compatible', 'bedrock', 'llama-cpp']).default('none'),
  /** Model id (`nomic-embed-text`, `amazon.titan-embed-text-v2:0`) or, for llama-cpp, a GGUF path or URL. */
  model: z.string().min(1).optional(),
  /** Base URL of an OpenAI-compatible endpoint, e.g. `http://127.0.0.1:11434/v1` for Ollama. */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** API key for the OpenAI-compatible endpoint (never logged). */
  apiKey: z.string().min(1).optional(),
  /** Ask the model for vectors of this many dimensions, where it supports that. */
  dimensions: count(1).optional(),
  /** Texts sent per embedding request. */
  batchSize: count(1).pipe(z.number().max(2048)).default(32),
});

/** The embedding model settings. */
export type EmbeddingSettings = z.infer<typeof embeddingSchema>;

/** The whole configuration, validated once at start-up. */
export const configSchema = z.object({
  home: z.string().min(1).default('./.quarry'),
  /** `file:///abs/path` or `s3://bucket/prefix`; defaults to the `objects` folder in `home`. */
  store: z
    .string()
    .regex(/^(file:\/\/\/|s3:\/\/[^/]+)/, 'expected file:///absolute/path or s3://bucket/prefix')
    .optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Where durable records live (repositories, runs, locks, conversations, accounts, crawl state). */
  catalog: z.preprocess(
    // `catalog: dynamodb://quarry` is short for `catalog: { location: dynamodb://quarry }`.
    (value) => (typeof value === 'string' ? { location: value } : value),
    z
      .object({
        /** `sqlite` (a file in `home`) or `dynamodb://<table-prefix>` (tables `<prefix>-repositories`, ...). */
        location: z
          .string()
          .regex(
            /^(sqlite|dynamodb:\/\/[A-Za-z0-9_.-]{1,200})$/,
            'expected sqlite or dynamodb://<table-prefix> (letters, digits, _ . and -)',
          )
          .default('sqlite'),
        /** Create missing DynamoDB tables on first use; off when the CDK app owns them. */
        createTables: flag.default(true),
      })
      .prefault({}),
  ),
  github: z
    .object({
      apiUrl: z.url({ protocol: /^https?$/ }).default('https://api.github.com'),
      token: z.string().min(1).optional(),
      maxRateLimitWaitSeconds: count(0).default(300),
      retries: count(0).pipe(z.number().max(10)).default(3),
    })
    .prefault({}),
  sync: z
    .object({
      repos: list(repoEntrySchema).default([...defaultRepos]),
      maxDownloadBytes: byteSize.default(2 * gibibyte),
      maxExtractedBytes: byteSize.default(2 * gibibyte),
      maxFiles: count(1).default(200_000),
      intervalMinutes: count(1).default(60),
      concurrency: count(1).pipe(z.number().max(16)).default(2),
      /** A repository lock older than this is taken over (its holder is presumed dead). */
      lockTimeoutMinutes: count(1).default(360),
    })
    .prefault({}),
  notify: z
    .object({
      webhooks: list(z.url({ protocol: /^https?$/ })).default([]),
      snsTopicArn: z
        .string()
        .regex(
          /^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+(\.fifo)?$/,
          'expected an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:quarry',
        )
        .optional(),
      timeoutMs: count(100).default(10_000),
    })
    .prefault({}),
  knowledge: z
    .object({
      /** `sqlite` (a file in `home`) or a `postgres://` / `postgresql://` connection URL. */
      index: z
        .string()
        .regex(/^(sqlite|postgres(ql)?:\/\/.+)$/, 'expected sqlite or a postgres://user@host/database URL')
        .default('sqlite'),
      /** Index a repository's new `current/` version right after `quarry sync` extracts it. */
      indexAfterSync: flag.default(true),
      /** Keep the chunks of versions moved to `archived/` (searchable with a version filter). */
      keepArchivedVersions: flag.default(false),
      /** Files larger than this are skipped and reported. */
      maxFileBytes: byteSize.default(2 * 1000 * 1000),
      /** Target chunk size in characters. */
      chunkCharacters: count(200).pipe(z.number().max(20_000)).default(1500),
      embedding: embeddingSchema.prefault({}),
    })
    .prefault({}),
  crawl: z
    .object({
      /** Sites re-crawled by `quarry serve` every `intervalMinutes` (each with the `quarry crawl` options). */
      sites: z.array(crawlSiteSchema).default([]),
      // Timers take at most 2^31 ms (about 24.8 days); a longer interval would fire at once, forever.
      intervalMinutes: count(1)
        .pipe(z.number().max(35_000, 'expected at most 35000 minutes (about 24 days)'))
        .default(24 * 60),
      /** Crawl loopback, private, link-local and metadata addresses (intranet docs); off by default. */
      allowPrivateNetworks: flag.default(false),
      /** Pages larger than this are skipped and reported. */
      maxPageBytes: byteSize.default(5 * 1000 * 1000),
      /** Longest wait for one page's response and body. */
      pageTimeoutSeconds: count(1).default(30),
      /** Retries of a page after 403/408/429/5xx or a network error, with growing waits. */
      retries: count(0).pipe(z.number().max(10)).default(3),
      /** Longest `Retry-After` honoured; a site asking for longer fails the page instead. */
      maxRetryAfterSeconds: count(0).default(120),
      /** Wait between two requests to one host when robots.txt gives no `Crawl-delay`. */
      delayMs: count(0).default(0),
      userAgent: z.string().min(1).default('QuarryBot/0.1 (+https://github.com/quarry-dev/quarry)'),
      /** Pages per URL shape (digits as `#`, query keys only) before the rest counts as an endless URL space. */
      maxPagesPerPattern: count(1).default(1000),
      /** The Chromium that `--render` drives (found in the usual places when absent). */
      chromiumPath: z.string().min(1).optional(),
    })
    .prefault({}),
  models: modelsSchema,
  server: z
    .object({
      host: z.string().min(1).default('127.0.0.1'),
      port: count(0).pipe(z.number().max(65_535)).default(8787),
      /** Largest request body accepted (413 beyond it). */
      maxBodyBytes: byteSize.default(1024 * 1024),
      /** Largest stored file the source viewer returns. */
      maxSourceBytes: byteSize.default(5 * 1000 * 1000),
      sessionHours: count(1).default(12),
      /** `auto`: `Secure` cookies when the request came over HTTPS (as seen by the server). */
      secureCookies: z.union([z.literal('auto'), flag]).default('auto'),
      /** Origins (`https://quarry.example.com`) a reverse proxy serves the app from. */
      trustedOrigins: list(z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin)).default(
        [],
      ),
      /** Reverse proxies in front of the server that append to X-Forwarded-For (0: ignore the header). */
      trustedProxies: count(0).pipe(z.number().max(10)).default(0),
      /** Failed sign-ins allowed per address and user name within `loginWindowMinutes`. */
      loginAttempts: count(1).default(5),
      loginWindowMinutes: count(1).default(15),
      /** How long identical searches are answered from memory (0 turns the cache off). */
      searchCacheSeconds: count(0).default(30),
      /** Run the sync + index schedule (every `sync.intervalMinutes`) inside `quarry serve`. */
      schedule: flag.default(true),
    })
    .prefault({}),
  aws: z
    .object({
      region: z.string().optional(),
      endpointUrlS3: z.url().optional(),
      endpointUrlDynamoDb: z.url().optional(),
    })
    .prefault({}),
});

/** The validated, immutable configuration. */
export type QuarryConfig = Readonly<z.infer<typeof configSchema>>;

/** One repository entry from `sync.repos`, in its long form. */
export type ConfiguredRepo = Exclude<z.infer<typeof repoEntrySchema>, string>;

/** A layer of raw settings and the label used in errors to say where a value came from. */
export interface ConfigLayer {
  /** e.g. `quarry.config.yaml`, `environment`, `command line`. */
  source: string;
  values: Record<string, unknown>;
}

/**
 * Merges layers (later ones win, objects merged key by key, lists replaced whole) and validates the
 * result. An invalid value fails with a `ValidationError` naming the field, where it came from and what
 * was expected.
 */
export function resolveConfig(layers: readonly ConfigLayer[]): QuarryConfig {
  const origins = new Map<string, string>();
  let merged: Record<string, unknown> = {};
  for (const layer of layers) merged = mergeLayer(merged, layer.values, layer.source, '', origins);
  const parsed = configSchema.safeParse(merged);
  if (parsed.success) return Object.freeze(parsed.data);
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.join('.');
    const origin = findOrigin(origins, issue.path.map(String));
    return `${path || '(root)'}${origin ? ` (from ${origin})` : ''}: ${issue.message}`;
  });
  throw new ValidationError(`Invalid configuration: ${problems.join('; ')}.`, {
    hint: 'Fix the setting named above (see the Configuration section of the README).',
  });
}

/** Flags of `quarry crawl` by the setting they fill, for error messages. */
const crawlFlags: Record<string, string> = {
  urls: 'the URLs',
  maxPages: '--max-pages',
  allowPrivateNetworks: '--allow-private-networks',
};

/** Validates `quarry crawl` options (named as in `crawl.sites`) and fills in the defaults. */
export function parseCrawlSite(values: Record<string, unknown>): CrawlSiteConfig {
  const parsed = crawlSiteSchema.safeParse(values);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    return `${crawlFlags[field] ?? `--${field}`}: ${issue.message}`;
  });
  throw new ValidationError(`Invalid crawl options: ${problems.join('; ')}.`, {
    hint: 'Run quarry crawl --help for the options and their ranges.',
  });
}

/** Normalises `sync.repos` entries to their long form. */
export function configuredRepos(config: QuarryConfig): ConfiguredRepo[] {
  return config.sync.repos.map((entry) => (typeof entry === 'string' ? { id: entry } : entry));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeLayer(
  base: Record<string, unknown>,
  overlay: Record<string, unknown>,
  source: string,
  path: string,
  origins: Map<string, string>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === undefined) continue;
    const childPath = path ? `${path}.${key}` : key;
    const existing = result[key];
    if (isPlainObject(value) && isPlainObject(existing)) {
      result[key] = mergeLayer(existing, value, source, childPath, origins);
    } else {
      result[key] = isPlainObject(value) ? mergeLayer({}, value, source, childPath, origins) : value;
      origins.set(childPath, source);
    }
  }
  return result;
}

function findOrigin(origins: Map<string, string>, path: string[]): string | undefined {
  for (let length = path.length; length > 0; length -= 1) {
    const origin = origins.get(path.slice(0, length).join('.'));
    if (origin) return origin;
  }
  return undefined;
}
