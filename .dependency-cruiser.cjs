/**
 * Import rules checked by `npm run imports` (and so by `npm test` and CI).
 * `src/core/` is the business kernel: ports, errors, config and pure helpers. It must not depend on
 * adapters, vendor SDKs or Node-only modules, so that every capability can run on any adapter.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-not-to-adapters',
      comment: 'src/core must not import adapters: adapters depend on core, never the other way.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(adapters|cli|api)/' },
    },
    {
      name: 'core-not-to-packages',
      comment:
        'src/core stays free of vendor SDKs; only zod (the config schema language) is allowed. Contract suites (*.contract.ts) are test code and may import vitest.',
      severity: 'error',
      from: { path: '^src/core/', pathNot: '\\.contract\\.ts$' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        // The model ports are the AI SDK's own interfaces (ARCHITECTURE §2): their types may be named.
        pathNot: ['node_modules/zod/', 'node_modules/ai/', 'node_modules/@ai-sdk/provider/'],
      },
    },
    {
      name: 'core-not-to-node',
      comment: 'src/core must not use Node-only modules (fs, path, http, ...): pass them in through ports.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'capabilities-not-to-edges',
      comment:
        'Capabilities (sync, knowledge, accounts, ...) take ports as arguments: they import neither adapters nor the composition root (app) nor its entry points (cli, api, lambda).',
      severity: 'error',
      from: { path: '^src/(sync|crawl|knowledge|models|assistant|codegen|cloud|agents|accounts|customize)/' },
      to: { path: '^src/(adapters|cli|api|app|lambda)/' },
    },
    {
      name: 'adapters-only-from-app',
      comment:
        'Only the composition root (src/app) picks adapters; the CLI, the HTTP app and the Lambda handlers ask it for services.',
      severity: 'error',
      from: { path: '^src/(cli|api|lambda)/' },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'api-not-to-entry-points',
      comment:
        'The HTTP app (createApp) is given its dependencies: it imports neither the CLI nor the composition root nor the Lambda handlers.',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^src/(cli|app|lambda)/' },
    },
    {
      name: 'app-not-to-entry-points',
      comment: 'The composition root serves the CLI and the Lambda handlers; it never imports them.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/(cli|lambda)/' },
    },
    {
      name: 'adapters-not-to-capabilities-or-edges',
      comment:
        'Adapters implement core ports: they import core, never capabilities (their types are ports in core), the composition root or entry points.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: {
        path: '^src/(sync|crawl|knowledge|models|assistant|codegen|cloud|agents|accounts|customize|cli|api|app|lambda)/',
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
