import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Holds back every request to a host that asked us to slow down (429 / 503 with `Retry-After`, or a
 * failing server backed off exponentially): one page's answer pauses the whole host, which is what
 * `Retry-After` means, instead of each queued page finding out on its own.
 */
export class HostGate {
  readonly #openAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Pauses requests to `host` for `ms` (a later pause wins over an earlier, shorter one). */
  pause(host: string, ms: number): void {
    const until = this.now() + ms;
    if (until > (this.#openAt.get(host) ?? 0)) this.#openAt.set(host, until);
  }

  /** Resolves once `host` is open again (at once when it is not paused); rejects when `signal` aborts. */
  async wait(host: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = (this.#openAt.get(host) ?? 0) - this.now();
      if (wait <= 0) return;
      await sleep(wait, undefined, signal ? { signal } : {});
    }
  }
}
