import type { RuleFinding } from '../template-finding.ts';
import { isMapping, type TemplateMapping } from '../template-view.ts';
import { suggestion } from './closest-name.ts';
import type { MapLookup } from './conditions-and-mappings-uses.ts';

/**
 * Checks the literal arguments of one `Fn::FindInMap`: the mapping must exist; without a DefaultValue
 * (`AWS::LanguageExtensions`) a literal top-level key must exist too (an error), and a literal second-level
 * key under it (a warning). When the top-level key is computed (`!Ref AWS::Region`), a literal second-level
 * key must exist under at least one top-level key.
 */
export function* checkMapLookup(
  lookup: MapLookup,
  mappings: ReadonlyMap<string, TemplateMapping>,
): Generator<RuleFinding> {
  const [mapName, topKey, secondKey, options] = lookup.arguments;
  if (typeof mapName !== 'string' || isLoopText(mapName)) return;
  const mapping = mappings.get(mapName);
  if (!mapping) {
    const hint = suggestion(mapName, mappings.keys(), 'declare it under Mappings or fix the name.');
    yield finding(
      'error',
      lookup,
      `Fn::FindInMap names mapping '${mapName}', which is not declared; ${hint}`,
    );
    return;
  }
  if (isMapping(options) && Object.hasOwn(options, 'DefaultValue')) return;
  const top = literalKey(topKey);
  const second = literalKey(secondKey);
  if (top === undefined) {
    if (second !== undefined && !Object.values(mapping).some((entry) => hasKey(entry, second)))
      yield finding(
        'warning',
        lookup,
        `No entry of mapping '${mapName}' has the key '${second}'; check the name.`,
      );
    return;
  }
  const entry = Object.hasOwn(mapping, top) ? mapping[top] : undefined;
  if (!isMapping(entry)) {
    const hint = suggestion(top, Object.keys(mapping), `use one of its keys or add '${top}'.`);
    yield finding('error', lookup, `Mapping '${mapName}' has no top-level key '${top}'; ${hint}`);
    return;
  }
  if (second !== undefined && !hasKey(entry, second)) {
    const hint = suggestion(second, Object.keys(entry), `add it, or give Fn::FindInMap a DefaultValue.`);
    yield finding('warning', lookup, `Mapping '${mapName}' has no key '${second}' under '${top}'; ${hint}`);
  }
}

/**
 * True when `entry` is a mapping with `key` of its own. The names come from the template, so `in` or a
 * plain index would find `toString` or `__proto__` on every object's prototype.
 */
function hasKey(entry: unknown, key: string): boolean {
  return isMapping(entry) && Object.hasOwn(entry, key);
}

/** A literal key (YAML may read `123` as a number; mapping keys are strings). */
function literalKey(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && !isLoopText(value) ? value : undefined;
}

function isLoopText(text: string): boolean {
  return text.includes('${') || text.includes('&{');
}

function finding(severity: RuleFinding['severity'], lookup: MapLookup, message: string): RuleFinding {
  return { severity, message, path: lookup.path };
}
