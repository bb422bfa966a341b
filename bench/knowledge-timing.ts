/**
 * Runs every query once to warm the caches (SQLite's page cache, the OS's), then times a second pass:
 * one latency in milliseconds per query, in order.
 */
export async function timeQueries(queries: string[], search: (text: string) => unknown): Promise<number[]> {
  for (const text of queries) await search(text);
  const latencies: number[] = [];
  for (const text of queries) {
    const started = performance.now();
    await search(text);
    latencies.push(performance.now() - started);
  }
  return latencies;
}
