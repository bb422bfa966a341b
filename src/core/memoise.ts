/**
 * A function that runs `create` on its first call and returns that same promise ever after: for modules
 * loaded on first need (`import()` is not free under a loader) and other one-time setup.
 */
export function memoise<Value>(create: () => Promise<Value>): () => Promise<Value> {
  let value: Promise<Value> | undefined;
  return () => {
    value ??= create();
    return value;
  };
}
