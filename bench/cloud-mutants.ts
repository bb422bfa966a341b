// Part of `npm run bench -- cloud`: how many planted mistakes the validator catches. Each real template is
// read, one mistake is planted in a copy (a misspelt resource type, a misspelt property name, a `Ref` to a
// name that does not exist), and the copy is validated as JSON; a mistake counts as caught when the rule
// meant for it reports an error. Templates rewritten by a macro or rain are left out (their errors are
// warnings by design).
import { readFile } from 'node:fs/promises';
import { parseTemplate } from '../src/cloud/template/parse-template.ts';
import type { ResourceSpecification } from '../src/cloud/template/resource-specification.ts';
import { isMapping, type TemplateMapping, walkValues } from '../src/cloud/template/template-view.ts';
import { validateTemplateText } from '../src/cloud/template/validate-template.ts';

/** Caught and planted mistakes per kind. */
export type MutantTally = Record<string, { planted: number; caught: number }>;

interface Mutation {
  kind: string;
  rule: string;
  plant(body: TemplateMapping, spec: ResourceSpecification): boolean;
}

function firstResource(body: TemplateMapping, test: (resource: TemplateMapping) => boolean) {
  const resources = isMapping(body.Resources) ? body.Resources : {};
  return Object.values(resources).find((resource) => isMapping(resource) && test(resource)) as
    | TemplateMapping
    | undefined;
}

const mutations: Mutation[] = [
  {
    kind: 'misspelt resource type',
    rule: 'resource-type',
    plant(body, spec) {
      const resource = firstResource(
        body,
        (item) =>
          typeof item.Type === 'string' &&
          spec.resourceType(item.Type) !== undefined &&
          item.Type.startsWith('AWS::'),
      );
      if (!resource) return false;
      resource.Type = `${resource.Type}x`;
      return true;
    },
  },
  {
    kind: 'misspelt property name',
    rule: 'resource-properties',
    plant(body, spec) {
      const resource = firstResource(
        body,
        (item) =>
          typeof item.Type === 'string' &&
          (spec.resourceType(item.Type)?.properties.size ?? 0) > 0 &&
          isMapping(item.Properties) &&
          Object.keys(item.Properties).length > 0,
      );
      if (!resource || !isMapping(resource.Properties)) return false;
      const [name, value] = Object.entries(resource.Properties)[0] ?? [];
      if (name === undefined) return false;
      delete resource.Properties[name];
      resource.Properties[`${name}x`] = value;
      return true;
    },
  },
  {
    kind: 'Ref to a missing name',
    rule: 'references',
    plant(body) {
      for (const { value } of walkValues(body.Resources, [])) {
        if (isMapping(value) && typeof value.Ref === 'string' && !value.Ref.startsWith('AWS::')) {
          value.Ref = `${value.Ref}Missing`;
          return true;
        }
      }
      return false;
    },
  },
];

/** Plants each mistake in each template of `files` and counts how many the validator catches. */
export async function tallyMutants(
  files: readonly string[],
  spec: ResourceSpecification,
): Promise<MutantTally> {
  const tally: MutantTally = Object.fromEntries(
    mutations.map((mutation) => [mutation.kind, { planted: 0, caught: 0 }]),
  );
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const parsed = parseTemplate(text);
    if (!parsed.ok || !isMapping(parsed.template.body) || isPreprocessed(text, parsed.template.body))
      continue;
    for (const mutation of mutations) {
      const copy = structuredClone(parsed.template.body) as TemplateMapping;
      if (!mutation.plant(copy, spec)) continue;
      const entry = tally[mutation.kind] ?? { planted: 0, caught: 0 };
      entry.planted += 1;
      const report = validateTemplateText(JSON.stringify(copy), spec);
      if (report.errors.some((finding) => finding.rule === mutation.rule)) entry.caught += 1;
    }
  }
  return tally;
}

function isPreprocessed(text: string, body: TemplateMapping): boolean {
  const transform = JSON.stringify(body.Transform ?? '');
  const macro = body.Transform !== undefined && !/^("|\[)*"?AWS::/.test(transform.replace(/[[\]"]/g, '"'));
  return macro || text.includes('!Rain::') || text.includes('"Rain::');
}
