// `npm run bench -- <name>`: runs one benchmark. Each prints a table and one JSON line.
const benchmarks: Record<string, () => Promise<{ main: () => Promise<void> }>> = {
  sync: () => import('./sync.ts'),
  knowledge: () => import('./knowledge.ts'),
  assistant: () => import('./assistant.ts'),
  api: () => import('./api.ts'),
  crawl: () => import('./crawl.ts'),
  cloud: () => import('./cloud.ts'),
  lambda: () => import('./lambda.ts'),
};

const name = process.argv[2];
const load = name ? benchmarks[name] : undefined;
if (!load) {
  console.error(`usage: npm run bench -- <name>; one of: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}
await (await load()).main();
