import { APICallError, RetryError } from 'ai';
import { describe, expect, it } from 'vitest';
import { NotFoundError, UpstreamError, ValidationError } from '../core/errors/index.ts';
import { modelFailure } from './model-failure.ts';

function apiCallError(statusCode: number, message = `Request failed with ${statusCode}`, cause?: unknown) {
  return new APICallError({
    message,
    url: 'http://127.0.0.1:11434/v1/chat/completions',
    requestBodyValues: {},
    statusCode,
    ...(cause === undefined ? {} : { cause }),
  });
}

function failure(error: unknown): UpstreamError {
  const result = modelFailure('ollama', error);
  expect(result).toBeInstanceOf(UpstreamError);
  return result as UpstreamError;
}

describe('modelFailure', () => {
  it("passes Quarry's own errors through unchanged", () => {
    const validation = new ValidationError('The openai-compatible model x needs a baseURL.');
    const notFound = new NotFoundError('The language model file /m.gguf does not exist.');
    expect(modelFailure('x', validation)).toBe(validation);
    expect(modelFailure('x', notFound)).toBe(notFound);
  });

  it('names the model and the status an endpoint answered with', () => {
    const error = failure(apiCallError(500, 'Internal Server Error'));
    expect(error.message).toBe('The model ollama failed: it answered 500 (Internal Server Error).');
    expect(error.hint).toMatch(/running and reachable/);
  });

  it('counts the attempts of a RetryError and describes its last error', () => {
    const errors = [apiCallError(503, 'first'), apiCallError(502, 'second'), apiCallError(500, 'last one')];
    const retry = new RetryError({
      message: 'Failed after 3 attempts.',
      reason: 'maxRetriesExceeded',
      errors,
    });
    const error = failure(retry);
    expect(error.message).toBe('The model ollama failed after 3 attempts: it answered 500 (last one).');
    expect(error.message).not.toContain('first');
  });

  it('points at the credentials for 401 and 403, and at the model id for 404', () => {
    expect(failure(apiCallError(401, 'Incorrect API key provided')).hint).toMatch(/credentials/);
    expect(failure(apiCallError(403, 'Forbidden')).hint).toMatch(/API key or AWS credentials/);
    expect(failure(apiCallError(404, 'model not found')).hint).toMatch(/model id and the base URL/);
    expect(failure(apiCallError(429, 'slow down')).hint).toMatch(/rate limiting/);
  });

  it("says the connection failed and why, from undici's cause of 'fetch failed'", () => {
    const network = new TypeError('fetch failed', {
      cause: new Error('connect ECONNREFUSED 127.0.0.1:11434'),
    });
    const error = failure(network);
    expect(error.message).toBe(
      'The model ollama failed: the connection failed (connect ECONNREFUSED 127.0.0.1:11434).',
    );
    expect(error.hint).toMatch(/reachable/);
  });

  it('says a stream was cut off, whether raw or wrapped in a 200 APICallError', () => {
    const wrapped = failure(apiCallError(200, 'terminated', new TypeError('terminated')));
    expect(wrapped.message).toMatch(/cut off/);
    expect(wrapped.message).not.toContain('answered 200');
    expect(failure(new TypeError('terminated')).message).toMatch(/cut off/);
  });

  it('keeps the message of an idle timeout', () => {
    const timeout = new Error('the model endpoint sent nothing for 120000 ms');
    timeout.name = 'TimeoutError';
    expect(failure(timeout).message).toBe(
      'The model ollama failed: the model endpoint sent nothing for 120000 ms.',
    );
  });

  it('cuts long provider messages to about 300 characters on one line', () => {
    const long = `${'word '.repeat(40)}\n\n${'x'.repeat(1000)}`;
    const error = failure(apiCallError(400, long));
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('…');
    expect(error.message.length).toBeLessThan(360);
    expect(error.message).toMatch(/^The model ollama failed: it answered 400 \(word word/);
  });

  it('describes values that are not errors, and keeps the detail as the cause', () => {
    const error = failure('socket hang up');
    expect(error.message).toBe('The model ollama failed: socket hang up.');
    expect((error.cause as Error).message).toBe('socket hang up');
  });
});
