import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { answerQuestion } from '../../assistant/answer-question.ts';
import type { AssistantDependencies } from '../../assistant/assistant-types.ts';
import { QuarryError } from '../../core/errors/index.ts';
import { authenticated } from '../api-schemas.ts';
import type { AppDependencies, AppEnvironment } from '../app-dependencies.ts';
import { openRequestAssistant } from '../assistant-access.ts';
import { HttpError } from '../http-errors.ts';
import {
  type ChatCompletionBody,
  chatCompletionBodySchema,
  completionBody,
  openAiError,
  questionAndHistory,
} from '../openai-wire.ts';
import { readJsonBody } from '../read-json-body.ts';
import { streamCompletion } from './openai-stream.ts';

/** The model id of the assistant with the default model; `quarry/<entry>` picks a configured model. */
const assistantModel = 'quarry';

const openAiErrorSchema = z
  .object({
    error: z.object({ message: z.string(), type: z.string(), param: z.null(), code: z.string() }),
  })
  .openapi('OpenAiError');

const modelListSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(
      z.object({
        id: z.string(),
        object: z.literal('model'),
        created: z.number().int(),
        owned_by: z.literal('quarry'),
      }),
    ),
  })
  .openapi('OpenAiModelList');

const modelsRoute = createRoute({
  method: 'get',
  path: '/v1/models',
  tags: ['openai'],
  summary: 'OpenAI-compatible model list',
  description:
    '`quarry` is the assistant (retrieval plus the default model, answers cite the knowledge base); `quarry/<name>` is the assistant with the configured model entry `<name>` (discovered models can be named `quarry/<provider>:<model>`).',
  security: authenticated,
  responses: {
    200: { description: 'The models', content: { 'application/json': { schema: modelListSchema } } },
  },
});

/**
 * OpenAI-compatible endpoints, so OpenAI clients (editors, chat front ends, SDKs) can talk to the assistant:
 * `GET /v1/models` and `POST /v1/chat/completions` (non-streaming and streaming). Answers come from the
 * knowledge base with their cited sources appended as a "Sources:" list. Errors have OpenAI's shape.
 */
export function registerOpenAiRoutes(app: OpenAPIHono<AppEnvironment>): void {
  app.openapi(modelsRoute, async (context) => context.json(await modelList(context.var.dependencies), 200));
  registerCompletionDocs(app);
  app.post('/v1/chat/completions', async (context) => {
    const dependencies = context.var.dependencies;
    try {
      const body = await readJsonBody(context.req, chatCompletionBodySchema);
      return await complete(dependencies, body, context.req.raw.signal);
    } catch (error) {
      const { status, body } = openAiError(dependencies, error);
      return context.json(body, status);
    }
  });
}

/** `quarry`, then `quarry/<name>` for every configured model (entries and the built-in one). */
async function modelList(dependencies: AppDependencies): Promise<z.infer<typeof modelListSchema>> {
  const listed = await dependencies.models.list();
  const names = listed.rows.filter((row) => row.origin !== 'discovered').map((row) => row.name);
  const created = Math.floor(dependencies.clock().getTime() / 1000);
  const data = [assistantModel, ...names.map((name) => `${assistantModel}/${name}`)].map((id) => ({
    id,
    object: 'model' as const,
    created,
    owned_by: 'quarry' as const,
  }));
  return { object: 'list', data };
}

/** Answers a validated request: a `chat.completion` object, or the event stream of its chunks. */
async function complete(
  dependencies: AppDependencies,
  body: ChatCompletionBody,
  abortSignal: AbortSignal,
): Promise<Response> {
  const { question, history } = questionAndHistory(body.messages);
  const assistant = withRequestSettings(await openModel(dependencies, body.model), body);
  const request = { question, history, abortSignal };
  const identity = {
    id: `chatcmpl-${dependencies.newId()}`,
    created: Math.floor(dependencies.clock().getTime() / 1000),
    model: body.model,
  };
  if (body.stream === true) {
    const includeUsage = body.stream_options?.include_usage === true;
    return streamCompletion({ dependencies, assistant, request, identity, includeUsage });
  }
  return Response.json(completionBody(identity, await answerQuestion(assistant, request)));
}

/** The assistant for an OpenAI model id; an id that names no usable model is a 404 `model_not_found`. */
async function openModel(dependencies: AppDependencies, model: string): Promise<AssistantDependencies> {
  if (model === assistantModel) return openRequestAssistant(dependencies, undefined);
  const prefix = `${assistantModel}/`;
  const name = model.startsWith(prefix) ? model.slice(prefix.length).trim() : '';
  if (name === '') throw modelNotFound(model, undefined);
  try {
    return await openRequestAssistant(dependencies, name);
  } catch (error) {
    // An unknown entry name, or one that cannot be used as configured: the model id is what is wrong.
    if (QuarryError.is(error) && (error.code === 'validation' || error.code === 'not_found')) {
      throw modelNotFound(model, error.message);
    }
    throw error;
  }
}

function modelNotFound(model: string, reason: string | undefined): HttpError {
  const detail = reason === undefined ? '' : ` (${reason.replace(/\.$/, '')})`;
  return new HttpError(404, 'model_not_found', `The model ${model} does not exist${detail}.`, {
    hint: 'Use quarry or quarry/<name>; GET /v1/models lists them.',
  });
}

/** `max_tokens` (or `max_completion_tokens`) lowers the model's answer limit; `temperature` replaces its own. */
function withRequestSettings(
  assistant: AssistantDependencies,
  body: ChatCompletionBody,
): AssistantDependencies {
  const runtime = assistant.runtime;
  if (runtime === undefined) return assistant;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  return {
    ...assistant,
    runtime: {
      ...runtime,
      ...(maxTokens == null ? {} : { maxOutputTokens: Math.min(maxTokens, runtime.maxOutputTokens) }),
      ...(body.temperature == null ? {} : { temperature: body.temperature }),
    },
  };
}

function registerCompletionDocs(app: OpenAPIHono<AppEnvironment>): void {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: openAiErrorSchema } },
  });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/chat/completions',
    tags: ['openai'],
    summary: 'OpenAI-compatible chat completion, answered by the assistant',
    description:
      'The last user message is the question; earlier user and assistant messages are the history; system messages are ignored. The cited sources are appended to the answer as a "Sources:" list. With `stream: true` the answer is sent as `chat.completion.chunk` server-sent events ending with `data: [DONE]`; a failure half-way sends a last `data: {"error": …}` instead.',
    security: authenticated,
    request: {
      body: { required: true, content: { 'application/json': { schema: chatCompletionBodySchema } } },
    },
    responses: {
      200: {
        description:
          'A `chat.completion` object, or with `stream: true` an event stream of `chat.completion.chunk`s',
        content: {
          'application/json': { schema: z.object({}).loose() },
          'text/event-stream': { schema: z.string() },
        },
      },
      400: error('Invalid request, e.g. no user message'),
      404: error('Unknown model'),
      502: error('The language model failed'),
    },
  });
}
