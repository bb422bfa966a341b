/**
 * Wraps `fetchFunction` so that a request without an answer within `timeoutMs` fails instead of hanging
 * (an OpenAI-compatible server stuck loading a model, a black-holed connection). The failure looks like
 * undici's network error (`TypeError: fetch failed` with a cause), which the AI SDK retries like any
 * other network error. A caller's own abort signal still wins and is passed through unchanged.
 */
export function fetchWithTimeout(fetchFunction: typeof fetch, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const callerSignal = init?.signal ?? undefined;
    const signal = callerSignal === undefined ? timeout : AbortSignal.any([callerSignal, timeout]);
    try {
      return await fetchFunction(input, { ...init, signal });
    } catch (error) {
      if (timeout.aborted && !callerSignal?.aborted) {
        throw new TypeError('fetch failed', { cause: new Error(`no answer within ${timeoutMs} ms`) });
      }
      throw error;
    }
  };
}
