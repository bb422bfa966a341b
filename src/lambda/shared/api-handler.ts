import { Hono } from 'hono';
import { handle, streamHandle } from 'hono/aws-lambda';
import type { AppDependencies } from '../../api/app-dependencies.ts';
import { createApp } from '../../api/create-app.ts';

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
