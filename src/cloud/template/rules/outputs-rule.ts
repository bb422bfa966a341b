import type { RuleFinding } from '../template-finding.ts';
import type { TemplateRule } from '../template-rule.ts';
import { intrinsicName, isMapping, type TemplateMapping } from '../template-view.ts';
import { forEachLoop } from './references-walk.ts';

/** CloudFormation's quota of outputs per template. */
const maximumOutputs = 200;

/**
 * Outputs CloudFormation would refuse: no `Value`, a logical id that is not alphanumeric, the same export
 * name twice (exports are unique per region and account, so the second cannot be created), or more than
 * 200 outputs. All errors.
 */
export const outputsRule: TemplateRule = {
  name: 'outputs',
  summary:
    'Outputs have a Value and an alphanumeric name, export names are unique, and there are at most 200.',
  *check({ template }) {
    const section = template.body.Outputs;
    if (!isMapping(section)) return;
    const names = Object.keys(section).filter((name) => !forEachLoop(name, section[name]));
    for (const name of names) yield* checkName(name);
    for (const [name, output] of template.outputs) {
      if (output.Value === undefined || output.Value === null) {
        yield error(
          ['Outputs', name],
          `Output '${name}' has no Value; add Value with what the output returns.`,
        );
      }
    }
    yield* duplicateExports(template.outputs);
    if (names.length > maximumOutputs) {
      const message = `The template declares ${names.length} outputs, more than CloudFormation's ${maximumOutputs}; drop some or move them to a nested stack.`;
      yield error(['Outputs'], message);
    }
  },
};

function* checkName(name: string): Generator<RuleFinding> {
  if (/^[A-Za-z0-9]+$/.test(name)) return;
  const fixed = name.replace(/[^A-Za-z0-9]/g, '');
  const hint = fixed === '' ? 'use letters and digits only.' : `write '${fixed}' instead.`;
  yield error(['Outputs', name], `Output name '${name}' must be alphanumeric (A-Z, a-z, 0-9); ${hint}`);
}

/**
 * Export names that are equal in the template are equal once deployed: literal strings, and `Fn::Sub`
 * strings written the same (they resolve the same way in one stack).
 */
function* duplicateExports(outputs: ReadonlyMap<string, TemplateMapping>): Generator<RuleFinding> {
  const firstOutput = new Map<string, string>();
  for (const [name, output] of outputs) {
    const exportName = comparableExportName(output.Export);
    if (exportName === undefined) continue;
    const first = firstOutput.get(exportName);
    if (first === undefined) {
      firstOutput.set(exportName, name);
      continue;
    }
    const message = `Output '${name}' exports the same name as output '${first}'; export names must be unique, so rename one.`;
    yield error(['Outputs', name, 'Export', 'Name'], message);
  }
}

function comparableExportName(exportValue: unknown): string | undefined {
  if (!isMapping(exportValue)) return undefined;
  const exportName = exportValue.Name;
  if (typeof exportName === 'string') return exportName;
  if (intrinsicName(exportName) !== 'Fn::Sub') return undefined;
  const sub = (exportName as TemplateMapping)['Fn::Sub'];
  return typeof sub === 'string' && !sub.includes('&{') ? sub : undefined;
}

function error(path: readonly (string | number)[], message: string): RuleFinding {
  return { severity: 'error', message, path };
}
