/** Counts failed logins and says when a client must wait. */
export interface LoginRateLimiter {
  /** Seconds to wait before another attempt is allowed, or 0 when one is allowed now. */
  retryAfterSeconds(key: string): number;
  recordFailure(key: string): void;
  /** A successful login forgets the failures of that key. */
  recordSuccess(key: string): void;
}

/** Above this many keys, expired ones are swept so that a flood of names cannot grow memory forever. */
const sweepThreshold = 10_000;

/**
 * A sliding-window limiter kept in memory: at most `attempts` failures per key within `windowMs`. Per
 * process, which suits one server; several Lambda instances each keep their own window.
 */
export function createLoginRateLimiter(options: {
  attempts: number;
  windowMs: number;
  now: () => number;
}): LoginRateLimiter {
  const failures = new Map<string, number[]>();
  const recent = (key: string): number[] => {
    const since = options.now() - options.windowMs;
    const times = (failures.get(key) ?? []).filter((time) => time > since);
    if (times.length === 0) failures.delete(key);
    else failures.set(key, times);
    return times;
  };
  return {
    retryAfterSeconds(key) {
      const times = recent(key);
      if (times.length < options.attempts) return 0;
      const oldest = times[times.length - options.attempts] ?? options.now();
      return Math.max(1, Math.ceil((oldest + options.windowMs - options.now()) / 1000));
    },
    recordFailure(key) {
      if (failures.size > sweepThreshold) for (const known of [...failures.keys()]) recent(known);
      failures.set(key, [...recent(key), options.now()]);
    },
    recordSuccess(key) {
      failures.delete(key);
    },
  };
}
