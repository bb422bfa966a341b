/**
 * Wraps `fetchFunction` so that a model endpoint that goes quiet fails instead of hanging: the request
 * fails when no response headers arrive within `idleMs`, and the response body fails when no bytes
 * arrive for `idleMs` (a stream that stalls half-way). Unlike a total timeout, a long answer that keeps
 * streaming is never cut off. The failure is an error named `TimeoutError`, which the AI SDK does not
 * retry: an endpoint that stayed silent for the whole timeout is reported at once rather than after
 * several more timeouts. A caller's own abort signal still wins.
 */
export function fetchWithIdleTimeout(fetchFunction: typeof fetch, idleMs: number): typeof fetch {
  return async (input, init) => {
    const idle = new AbortController();
    const timeoutError = () => idleTimeoutError(idleMs);
    let timer = setTimeout(() => idle.abort(timeoutError()), idleMs);
    const rearm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(timeoutError()), idleMs);
    };
    const callerSignal = init?.signal ?? undefined;
    const signal = callerSignal === undefined ? idle.signal : AbortSignal.any([callerSignal, idle.signal]);
    let response: Response;
    try {
      response = await fetchFunction(input, { ...init, signal });
    } catch (error) {
      clearTimeout(timer);
      if (idle.signal.aborted && !callerSignal?.aborted) throw idle.signal.reason;
      throw error;
    }
    if (response.body === null) {
      clearTimeout(timer);
      return response;
    }
    rearm();
    return new Response(
      watchBody(response.body, rearm, () => clearTimeout(timer), idle.signal),
      {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      },
    );
  };
}

/** Re-arms the idle timer on every chunk and fails the stream with the timeout when it fires. */
function watchBody(
  body: ReadableStream<Uint8Array>,
  onChunk: () => void,
  onEnd: () => void,
  idleSignal: AbortSignal,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      idleSignal.addEventListener('abort', () => {
        controller.error(idleSignal.reason);
        reader.cancel(idleSignal.reason).catch(() => {});
      });
    },
    async pull(controller) {
      try {
        const part = await reader.read();
        if (part.done) {
          onEnd();
          controller.close();
          return;
        }
        onChunk();
        controller.enqueue(part.value);
      } catch (error) {
        onEnd();
        if (!idleSignal.aborted) controller.error(error);
      }
    },
    cancel(reason) {
      onEnd();
      return reader.cancel(reason);
    },
  });
}

/** The error a silent endpoint fails with. */
export function idleTimeoutError(idleMs: number): Error {
  const error = new Error(`the model endpoint sent nothing for ${idleMs} ms`);
  error.name = 'TimeoutError';
  return error;
}
