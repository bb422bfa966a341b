import { intrinsicName, type TemplateView } from '../template-view.ts';

/** A literal value, and the parameter whose Default it is when it came from one. */
export interface ResolvedValue {
  value: string | number | boolean;
  parameter?: string;
}

/** The value as written, or the Default of the parameter a `Ref` names; undefined when neither is literal. */
export function resolveLiteral(value: unknown, template: TemplateView): ResolvedValue | undefined {
  if (isLiteral(value)) return { value };
  if (intrinsicName(value) !== 'Ref') return undefined;
  const name = (value as Record<string, unknown>).Ref;
  if (typeof name !== 'string') return undefined;
  const fallback = template.parameters.get(name)?.Default;
  return isLiteral(fallback) ? { value: fallback, parameter: name } : undefined;
}

function isLiteral(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
