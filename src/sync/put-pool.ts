/**
 * Runs up to `concurrency` store writes at once and remembers the first failure. Readers call
 * `whenNotFull()` before starting another write, which is how the archive parser feels backpressure.
 * Writes to the same key run one after the other in arrival order, so a later archive entry with the
 * same path wins, as it would with `tar -x`.
 */
export class PutPool {
  readonly #concurrency: number;
  readonly #halt: AbortController;
  readonly #running = new Map<string, Promise<void>>();
  #waiters: Array<() => void> = [];
  #failure: { error: unknown } | undefined;

  /** `halt` is aborted on the first failure, waking anything that waits on the archive. */
  constructor(concurrency: number, halt: AbortController) {
    this.#concurrency = concurrency;
    this.#halt = halt;
  }

  /** True once any write (or the caller, through `fail`) has failed. */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /** The first failure, if any. */
  get failure(): unknown {
    return this.#failure?.error;
  }

  /** True while no more writes should start. */
  get full(): boolean {
    return this.#running.size >= this.#concurrency;
  }

  /** Records `error` unless an earlier failure was recorded, and halts the extraction. */
  fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = { error };
    this.#halt.abort(error);
    this.#wakeWaiters();
  }

  /** Resolves once a write may start, or at once after a failure (check `failed`). */
  whenNotFull(): Promise<void> {
    if (!this.full || this.failed) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Starts `write` for `key` (after any earlier write to the same key). Its rejection fails the pool. */
  run(key: string, write: () => Promise<void>): void {
    const previous = this.#running.get(key);
    const task = (previous ? previous.then(() => (this.failed ? undefined : write())) : write()).catch(
      (error: unknown) => this.fail(error),
    );
    this.#running.set(key, task);
    void task.finally(() => {
      if (this.#running.get(key) === task) this.#running.delete(key);
      this.#wakeWaiters();
    });
  }

  /** Resolves when every started write has finished, successfully or not. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }

  #wakeWaiters(): void {
    if (this.full && !this.failed) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
