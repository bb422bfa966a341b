// Bundles each AWS Lambda entry point (`src/lambda/*.ts`, one handler per file) with esbuild into
// `dist/lambda/<name>/`: ES modules split into chunks, so a handler loads only the code its first event
// needs (dynamic imports stay separate files), minified. Native and browser packages stay external: a
// deployment must ship them as node_modules beside the bundle (the Lambda benchmark links the project's).
//
//   npm run bundle:lambda -- [outdir] [entry names...]
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';

/** Packages with native code or their own downloads: never bundled. */
export const externalPackages = [
  'better-sqlite3',
  'sqlite-vec',
  'node-llama-cpp',
  'pg-native',
  '@electric-sql/pglite',
  'playwright-core',
  'crawlee',
  '@crawlee/*',
];

/** The entry points: every `src/lambda/*.ts` but tests. */
export function lambdaEntries(root = process.cwd()): Array<{ name: string; file: string }> {
  const folder = path.join(root, 'src/lambda');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .map((name) => ({ name: name.replace(/\.ts$/, ''), file: path.join(folder, name) }));
}

/** Bundles the named entries (all by default) into `outdir/<name>/<name>.js`; returns their folders. */
export async function bundleLambdas(outdir: string, names: readonly string[] = []): Promise<string[]> {
  const entries = lambdaEntries().filter((entry) => names.length === 0 || names.includes(entry.name));
  const folders: string[] = [];
  for (const entry of entries) {
    const folder = path.join(outdir, entry.name);
    rmSync(folder, { recursive: true, force: true });
    await build({
      entryPoints: [entry.file],
      outdir: folder,
      bundle: true,
      splitting: true,
      minify: true,
      sourcemap: 'linked',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: externalPackages,
      logLevel: 'error',
      // Some bundled CommonJS packages call require(); ES modules have none of their own.
      banner: {
        js: "import { createRequire as quarryCreateRequire } from 'node:module'; const require = quarryCreateRequire(import.meta.url);",
      },
    });
    writeFileSync(path.join(folder, 'package.json'), '{"type":"module"}\n');
    folders.push(folder);
  }
  return folders;
}

if (import.meta.url === `file://${path.resolve(process.argv[1] ?? '')}`) {
  const [outdir = 'dist/lambda', ...names] = process.argv.slice(2);
  const folders = await bundleLambdas(path.resolve(outdir), names);
  for (const folder of folders) console.log(`bundled ${path.relative(process.cwd(), folder)}`);
}
