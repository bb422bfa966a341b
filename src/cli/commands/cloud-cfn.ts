import * as path from 'node:path';
import type { Command } from 'commander';
import {
  checkTemplateRequest,
  type GeneratedTemplate,
  generateTemplate,
} from '../../cloud/cfn/generate-template.ts';
import { type Diagram, readDiagram } from '../../cloud/cfn/read-diagram.ts';
import { draftBanner, writeTemplateOutputs } from '../../cloud/cfn/write-template-outputs.ts';
import { loadResourceSpecification } from '../../cloud/template/aws-resource-specification.ts';
import { ValidationError } from '../../core/errors/index.ts';
import { resolveModel } from '../../models/model-registry.ts';
import { cacheFolder } from '../cache-folder.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { exitCodes } from '../exit-codes.ts';
import { formatFinding } from '../format-template-report.ts';
import { openRequiredModel } from '../open-language-model.ts';

interface CfnOptions {
  diagram?: string;
  out?: string;
  maxRepairs: string;
  model?: string;
  json?: boolean;
}

/** Registers `quarry cloud cfn`. */
export function registerCloudCfnCommand(
  cloud: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  cloud
    .command('cfn')
    .description('write a CloudFormation template from a request (and a diagram), validate it and repair it')
    .argument('<request>', 'the infrastructure you want, in plain language')
    .option('--diagram <file>', 'a PNG or JPEG architecture diagram (needs a vision-capable model)')
    .option('--out <file>', 'write the template here when it is valid (a draft and a report go beside it)')
    .option('--max-repairs <n>', 'rounds of feeding the findings back to the model', '3')
    .option('--model <name>', 'a models.entries name or provider:model-id (default: models.default)')
    .option('--json', 'print {status, template, errors, warnings, fixed, rounds, files} as JSON')
    .action(async (request: string, options: CfnOptions, command: Command) => {
      const maxRepairs = Number(options.maxRepairs);
      checkTemplateRequest({ request, maxRepairs });
      // Checked before any model is loaded, so a wrong path never waits for (or pays for) a model.
      const diagram = options.diagram ? await readDiagram(path.resolve(io.cwd, options.diagram)) : undefined;
      const generated = await withServices(command, io, async (services) => {
        const model = resolveModel(services.config.models, options.model ?? services.config.models.default);
        if (diagram && model.entry.provider === 'llama-cpp')
          throw new ValidationError(
            `The in-process model ${model.name} cannot read images, so it cannot use --diagram.`,
            {
              hint: 'Pick a vision-capable model with --model (a Bedrock Claude or Nova model, or an OpenAI-compatible vision model).',
            },
          );
        const runtime = await openRequiredModel(services, io, options.model);
        try {
          const spec = await loadResourceSpecification({ cacheFolder: cacheFolder(io) });
          return await generateTemplate(runtime, spec, {
            request,
            maxRepairs,
            ...(diagram ? { diagram } : {}),
          });
        } finally {
          await runtime.close();
        }
      });
      await report(io, generated, options, diagram);
      if (generated.status !== 'valid') setExitCode(exitCodes.someWorkFailed);
    });
}

async function report(
  io: CliIo,
  generated: GeneratedTemplate,
  options: CfnOptions,
  diagram?: Diagram,
): Promise<void> {
  const written = options.out
    ? await writeTemplateOutputs(path.resolve(io.cwd, options.out), generated)
    : undefined;
  if (options.json) {
    const { report: findings, ...rest } = generated;
    io.stdout(
      `${JSON.stringify({ ...rest, ...findings, diagram: diagram?.mediaType ?? null, files: written ?? null }, null, 2)}\n`,
    );
    return;
  }
  // A template with errors is marked on stdout too, so `> stack.yaml` cannot pass it off as finished.
  if (!written && generated.template !== undefined)
    io.stdout(
      generated.status === 'valid' ? generated.template : `${draftBanner(generated)}${generated.template}`,
    );
  const { errors, warnings } = generated.report;
  io.stderr(`${statusSentence(generated)}\n`);
  for (const finding of [...errors, ...warnings]) io.stderr(`${formatFinding(finding)}\n`);
  if (written?.templateFile) io.stderr(`template: ${written.templateFile}\n`);
  if (written) io.stderr(`report:   ${written.reportFile}\n`);
}

function statusSentence(generated: GeneratedTemplate): string {
  const rounds = generated.rounds.length - 1;
  const repairs = `${rounds} repair round${rounds === 1 ? '' : 's'}`;
  const { errors, warnings } = generated.report;
  switch (generated.status) {
    case 'valid':
      return `✔ valid after ${repairs} (${generated.fixed.length} finding${generated.fixed.length === 1 ? '' : 's'} fixed, ${warnings.length} warning${warnings.length === 1 ? '' : 's'} left)`;
    case 'no-template':
      return '✖ the model returned no template';
    case 'repeating':
      return `✖ NOT valid: the model repeated the same ${errors.length} error${errors.length === 1 ? '' : 's'}, so repairs stopped after ${repairs}`;
    default:
      return `✖ NOT valid: ${errors.length} error${errors.length === 1 ? '' : 's'} remain after ${repairs}`;
  }
}
