// Child process of the Lambda benchmark: a fresh Node process, as a new Lambda container is. Imports a
// bundled handler, invokes it with the event in argv[3], `repeat` times in all, and prints one JSON line:
// when the import finished and the first response came (both in ms since this process started, which
// `performance.now()` counts from), and how long every later (warm) invocation took.
const [bundle, eventJson, repeatText = '1'] = process.argv.slice(2);
const { handler } = await import(bundle);
const imported = performance.now();
const event = JSON.parse(eventJson);
const context = {
  getRemainingTimeInMillis: () => 900_000,
  functionName: 'quarry-bench',
  awsRequestId: 'bench',
};
const first = await handler(event, context);
const firstResponse = performance.now();
const warm = [];
for (let index = 1; index < Number(repeatText); index += 1) {
  const started = performance.now();
  await handler(structuredClone(event), context);
  warm.push(performance.now() - started);
}
const status = first?.statusCode ?? (first && typeof first === 'object' ? 'ok' : String(first));
console.log(JSON.stringify({ importedMs: imported, firstResponseMs: firstResponse, warm, status, first }));
process.exit(0);
