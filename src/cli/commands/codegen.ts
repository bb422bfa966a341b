import type { Command } from 'commander';
import type { Services } from '../../app/create-services.ts';
import { type CodeGenerationRequest, checkCodeRequest, generateCode } from '../../codegen/generate-code.ts';
import type { FindExamples } from '../../codegen/pack-examples.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { openRequiredModel } from '../open-language-model.ts';

interface CodegenOptions {
  language: string;
  ground?: string;
  model?: string;
  json?: boolean;
}

/** Passages retrieved from the grounding repository before packing. */
const groundingHits = 8;

/** Registers `quarry codegen`. */
export function registerCodegenCommand(program: Command, io: CliIo): void {
  program
    .command('codegen')
    .description('generate code and store it under code_output/ in the object store, with a JSON sidecar')
    .argument('<instructions>', 'what the code should do')
    .requiredOption(
      '--language <language>',
      'python, typescript, go, rust, java, … (see the README for the list)',
    )
    .option(
      '--ground <owner/repo>',
      'show the model examples from this synced and indexed repository, cited in the sidecar',
    )
    .option(
      '--model <name>',
      'a models.entries name or provider:model-id (default: models.default, or QUARRY_MODEL)',
    )
    .option('--json', 'print {key, sidecarKey, code, language, model, sources, usage, createdAt} as JSON')
    .action(async (instructions: string, options: CodegenOptions, command: Command) => {
      const request = {
        language: options.language,
        message: instructions,
        ...(options.ground === undefined ? {} : { ground: options.ground }),
      };
      // Checked before the model is loaded, so a typo never waits for (or pays for) a model download.
      checkCodeRequest(request);
      await withServices(command, io, (services) => codegen(services, io, request, options));
    });
}

async function codegen(
  services: Services,
  io: CliIo,
  request: CodeGenerationRequest,
  options: CodegenOptions,
): Promise<void> {
  const runtime = await openRequiredModel(services, io, options.model);
  try {
    const result = await generateCode(
      {
        runtime: runtime,
        store: services.store,
        clock: () => new Date(),
        findExamples: examplesFrom(services),
      },
      request,
    );
    if (options.json) {
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    io.stdout(result.code);
    io.stderr(`stored ${services.store.urlOf(result.key)} (metadata in ${result.sidecarKey})\n`);
    for (const source of result.sources) io.stderr(`  example [${source.n}] ${source.citation}\n`);
  } finally {
    await runtime.close();
  }
}

/** Grounding examples: the best passages of one synced repository's current version. */
function examplesFrom(services: Services): FindExamples {
  return async (repo, query) => {
    const knowledge = await services.knowledge();
    const found = await knowledge.search({ text: query, limit: groundingHits, filters: { repos: [repo] } });
    return found.hits;
  };
}
