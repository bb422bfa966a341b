import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Holds back requests to a host: after it asked us to slow down (429 / 503 with `Retry-After`, or a
 * failing server backed off exponentially) one page's answer pauses the whole host, which is what
 * `Retry-After` means, instead of each queued page finding out on its own; and with a crawl delay, no two
 * requests to it start closer together than that. Crawlee's own `sameDomainDelaySecs` is not used: it
 * keys on the registrable domain, which IP addresses, `localhost` and intranet names do not have.
 */
export class HostGate {
  readonly #openAt = new Map<string, number>();
  readonly #nextSlot = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Pauses requests to `host` for `ms` (a later pause wins over an earlier, shorter one). */
  pause(host: string, ms: number): void {
    const until = this.now() + ms;
    if (until > (this.#openAt.get(host) ?? 0)) this.#openAt.set(host, until);
  }

  /**
   * Waits until a request to `host` may start: after any pause, and at least `intervalMs` after the
   * previous request to it started (robots.txt `Crawl-delay`). Slots are handed out in call order, so
   * concurrent requests are spaced too.
   */
  async take(host: string, intervalMs: number, signal?: AbortSignal): Promise<void> {
    await this.wait(host, signal);
    if (intervalMs <= 0) return;
    const now = this.now();
    const slot = Math.max(now, this.#nextSlot.get(host) ?? 0);
    this.#nextSlot.set(host, slot + intervalMs);
    if (slot > now) await sleep(slot - now, undefined, signal ? { signal } : {});
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
