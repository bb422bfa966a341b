/**
 * The AWS Lambda composition root: the same app `quarry serve` runs, behind API Gateway HTTP API (payload
 * v2) or a Lambda function URL.
 *
 * Storage on Lambda, for now: only `/tmp` is writable there, so `QUARRY_HOME` defaults to `/tmp/quarry`
 * and the embedded SQLite catalog, search index and local object store are per-container scratch — each
 * container starts empty and loses everything when it is recycled (accounts, API keys, sessions, indexed
 * code). The DynamoDB catalog and S3 object store that make a Lambda deployment durable come with the cloud
 * deployment issue; until then set `QUARRY_STORE=s3://…` for a shared object store at least.
 *
 * The sync schedule is not run here: EventBridge Scheduler starts the passes in the cloud.
 */
import { Hono } from 'hono';
import { handle, streamHandle } from 'hono/aws-lambda';
import { ensureAdminAccount } from '../accounts/ensure-admin.ts';
import { loadConfig } from '../adapters/config/load-config.ts';
import { secretsOf } from '../cli/commands/models.ts';
import { createLogger } from '../cli/create-logger.ts';
import { createServices } from '../cli/create-services.ts';
import type { QuarryConfig } from '../core/config.ts';
import { createRedactor } from '../core/redact.ts';
import { urlPassword } from '../core/safe-url.ts';
import { reconcileConfiguredRepos } from '../sync/repo-registry.ts';
import type { AppDependencies } from './app-dependencies.ts';
import { createApp } from './create-app.ts';
import { createModelPool } from './model-pool.ts';
import { dependenciesFromServices } from './service-dependencies.ts';

/** Options of {@link createLambdaHandler}. */
export interface LambdaHandlerOptions {
  /**
   * Stream responses (`awslambda.streamifyResponse`): for a function URL whose invoke mode is
   * `RESPONSE_STREAM`. API Gateway HTTP APIs need the buffered handler (the default).
   */
  streaming?: boolean;
}

/** A buffered handler: returns the whole response (API Gateway HTTP API, function URL in `BUFFERED` mode). */
export type BufferedLambdaHandler = ReturnType<typeof handle>;
/** A response-streaming handler, marked for the Lambda runtime by `awslambda.streamifyResponse`. */
export type StreamingLambdaHandler = ReturnType<typeof streamHandle>;

/** Where the app's files go on Lambda when `QUARRY_HOME` is not set: the only writable folder. */
export const lambdaHome = '/tmp/quarry';

/**
 * A Lambda handler serving every event with one app per container. The app is built lazily, on the first
 * event (so a failed start is reported to that request and retried on the next, instead of crashing the
 * container at import), and concurrent first events share the same build.
 */
export function createLambdaHandler(
  getDependencies: () => Promise<AppDependencies>,
  options?: { streaming?: false },
): BufferedLambdaHandler;
export function createLambdaHandler(
  getDependencies: () => Promise<AppDependencies>,
  options: { streaming: true },
): StreamingLambdaHandler;
export function createLambdaHandler(
  getDependencies: () => Promise<AppDependencies>,
  options?: LambdaHandlerOptions,
): BufferedLambdaHandler | StreamingLambdaHandler;
export function createLambdaHandler(
  getDependencies: () => Promise<AppDependencies>,
  options: LambdaHandlerOptions = {},
): BufferedLambdaHandler | StreamingLambdaHandler {
  if (options.streaming && !('awslambda' in globalThis)) {
    throw new Error('Streaming responses need the AWS Lambda Node.js runtime (its global `awslambda`).');
  }
  const front = lazyApp(getDependencies);
  return options.streaming ? streamHandle(front) : handle(front);
}

/** A tiny app that hands every request, with the Lambda event and context, to the app built on first use. */
function lazyApp(getDependencies: () => Promise<AppDependencies>): Hono {
  let built: Promise<Hono['fetch']> | undefined;
  const build = (): Promise<Hono['fetch']> => {
    if (built === undefined) {
      built = getDependencies().then((dependencies) => createApp(dependencies).fetch);
      // A failed start is not kept: the next event tries again (a missing secret may have been fixed).
      built.catch(() => {
        built = undefined;
      });
    }
    return built;
  };
  const front = new Hono();
  front.all('*', async (context) => (await build())(context.req.raw, context.env));
  front.onError((error) => {
    console.error('Quarry could not start on this Lambda instance:', error);
    return Response.json(
      {
        error: { code: 'unavailable', message: 'Quarry could not start; the reason is in the function log.' },
      },
      { status: 503 },
    );
  });
  return front;
}

/** What {@link servicesFromEnvironment} reads: the working directory and the environment variables. */
export interface LambdaSources {
  cwd: string;
  environment: Record<string, string | undefined>;
  /** Where JSON log lines go (standard output, which Lambda sends to CloudWatch Logs, by default). */
  write?: (line: string) => void;
}

/** The app's dependencies on Lambda, and how to release what they opened (tests; Lambda just freezes). */
export interface LambdaServices {
  dependencies: AppDependencies;
  close(): Promise<void>;
}

/**
 * Builds the dependencies the way `quarry serve` does (same configuration, adapters, redaction and model
 * pool), minus what Lambda does not do: no web app (CloudFront serves it), no schedule. When the catalog
 * has no account yet and `QUARRY_ADMIN_PASSWORD` is set, `admin` is created with it; a generated password
 * could only be shown in the log, so none is made.
 */
export async function servicesFromEnvironment(sources: LambdaSources): Promise<LambdaServices> {
  const environment = lambdaEnvironment(sources.environment);
  const { config } = loadConfig({ cwd: sources.cwd, environment });
  const redact = createRedactor(lambdaSecrets(config, environment));
  const write = sources.write ?? ((line: string) => process.stdout.write(line));
  const logger = createLogger({ level: config.logLevel, redact, format: 'json', write });
  const services = await createServices(config, logger, redact);
  try {
    await reconcileConfiguredRepos(services.catalog, config, logger);
    await createFirstAdmin(services.catalog, environment.QUARRY_ADMIN_PASSWORD);
  } catch (error) {
    // The next event builds everything again; what this attempt opened must not stay open.
    await services.close().catch(() => undefined);
    throw error;
  }
  logger.info({ home: config.home }, 'Quarry is starting on AWS Lambda');
  const pool = createModelPool({ config, environment, workingDirectory: sources.cwd, logger });
  const dependencies = dependenciesFromServices(services, {
    environment,
    workingDirectory: sources.cwd,
    openModel: (reference) => pool.open(reference),
  });
  return {
    dependencies,
    close: async () => {
      await dependencies.sync.idle();
      await pool.close();
      await services.close();
    },
  };
}

/** The environment with `QUARRY_HOME` defaulting to {@link lambdaHome} when running on Lambda. */
export function lambdaEnvironment(
  environment: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const onLambda = Boolean(environment.AWS_LAMBDA_FUNCTION_NAME);
  if (!onLambda || environment.QUARRY_HOME?.trim()) return environment;
  return { ...environment, QUARRY_HOME: lambdaHome };
}

/** The secrets the command line redacts (`cli-context.ts`), plus the model ones `quarry models` redacts. */
function lambdaSecrets(
  config: QuarryConfig,
  environment: Record<string, string | undefined>,
): Array<string | undefined> {
  return [
    config.github.token,
    config.knowledge.embedding.apiKey,
    urlPassword(config.knowledge.index),
    ...secretsOf(config, environment),
  ];
}

async function createFirstAdmin(
  catalog: AppDependencies['catalog'],
  password: string | undefined,
): Promise<void> {
  if (!password) return;
  await ensureAdminAccount({ catalog, clock: () => new Date() }, { password });
}

/** True for `QUARRY_LAMBDA_STREAMING=true` (or `1`): the function URL streams responses. */
function streamingFrom(environment: Record<string, string | undefined>): boolean {
  return ['true', '1'].includes(environment.QUARRY_LAMBDA_STREAMING?.trim().toLowerCase() ?? '');
}

/**
 * The deployed handler (`lambda.handler`), configured from the environment like the CLI: buffered by
 * default, streaming with `QUARRY_LAMBDA_STREAMING=true` (function URL with `RESPONSE_STREAM`).
 */
export const handler = createLambdaHandler(
  () =>
    servicesFromEnvironment({ cwd: process.cwd(), environment: process.env }).then(
      (services) => services.dependencies,
    ),
  { streaming: streamingFrom(process.env) },
);
