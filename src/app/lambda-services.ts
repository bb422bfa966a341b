import { ensureAdminAccount } from '../accounts/ensure-admin.ts';
import type { AppDependencies } from '../api/app-dependencies.ts';
import type { SyncController } from '../api/sync-controller.ts';
import { ValidationError } from '../core/errors/index.ts';
import { dependenciesFromServices } from './create-app-dependencies.ts';
import type { Services } from './create-services.ts';
import { createModelPool } from './model-pool.ts';
import { openQuarry } from './open-quarry.ts';

/** Where the app's files go on Lambda when `QUARRY_HOME` is not set: the only writable folder. */
export const lambdaHome = '/tmp/quarry';

/**
 * Defaults of a Lambda container: `home` in {@link lambdaHome}, the only writable folder there. They sit
 * below the config file and the environment, so `home:` or `QUARRY_HOME` still win.
 */
export function lambdaDefaults(environment: Record<string, string | undefined>): Record<string, unknown> {
  return environment.AWS_LAMBDA_FUNCTION_NAME ? { home: lambdaHome } : {};
}

/**
 * The services of one Lambda container, built like the CLI's (same configuration, adapters and
 * redaction) with JSON log lines on standard output, which Lambda sends to CloudWatch Logs. On AWS the
 * catalog is DynamoDB (`QUARRY_CATALOG=dynamodb://…`) and the object store S3 (`QUARRY_STORE=s3://…`);
 * anything left on the embedded defaults lives in the container's `/tmp` and is lost with it.
 */
export function openLambdaServices(sources: LambdaSources): Promise<Services> {
  return openQuarry({
    cwd: sources.cwd,
    environment: sources.environment,
    defaults: lambdaDefaults(sources.environment),
    logFormat: 'json',
    write: sources.write ?? ((line: string) => process.stdout.write(line)),
  });
}

/** What {@link openLambdaServices} reads: the working directory and the environment variables. */
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
export async function apiServicesOnLambda(sources: LambdaSources): Promise<LambdaServices> {
  const services = await openLambdaServices(sources);
  try {
    await createFirstAdmin(services.catalog, services.surroundings.environment.QUARRY_ADMIN_PASSWORD);
  } catch (error) {
    // The next event builds everything again; what this attempt opened must not stay open.
    await services.close().catch(() => undefined);
    throw error;
  }
  services.logger.info({ home: services.config.home }, 'Quarry is starting on AWS Lambda');
  const pool = createModelPool(services);
  const dependencies = dependenciesFromServices(services, {
    openModel: (reference) => pool.open(reference),
    sync: workflowSync,
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

/**
 * `POST /api/sync` on Lambda: a pass run after the response would be frozen with the container (and its
 * repository locks held until they time out), so the API refuses and points at the sync workflow.
 */
const workflowSync: SyncController = {
  start() {
    throw new ValidationError('On AWS the sync runs as its own workflow, not inside the API.', {
      hint: 'It runs on its EventBridge schedule; to sync now, start an execution of the sync state machine (aws stepfunctions start-execution).',
    });
  },
  active: () => null,
  idle: async () => {},
};

async function createFirstAdmin(
  catalog: AppDependencies['catalog'],
  password: string | undefined,
): Promise<void> {
  if (!password) return;
  await ensureAdminAccount({ catalog, clock: () => new Date() }, { password });
}

/** This process's working folder and environment: what every Lambda entry point is configured from. */
export function processSources(): LambdaSources {
  return { cwd: process.cwd(), environment: process.env };
}

/** True for `QUARRY_LAMBDA_STREAMING=true` (or `1`): the function URL streams responses. */
export function streamsResponses(environment: Record<string, string | undefined>): boolean {
  return ['true', '1'].includes(environment.QUARRY_LAMBDA_STREAMING?.trim().toLowerCase() ?? '');
}
