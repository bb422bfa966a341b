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
        pathNot: 'node_modules/zod/',
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
      name: 'capabilities-not-to-adapters',
      comment:
        'Capabilities (sync, knowledge, accounts, ...) take ports as arguments; only composition roots pick adapters.',
      severity: 'error',
      from: { path: '^src/(sync|crawl|knowledge|models|assistant|codegen|cloud|agents|accounts)/' },
      to: { path: '^src/(adapters|cli|api)/' },
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
