import { isMapping } from '../template-view.ts';

/** `true` or `'true'`; a computed value (`Ref`, `Fn::If` …) counts too, since it cannot be judged here. */
export function isTrueOrComputed(value: unknown): boolean {
  return value === true || value === 'true' || isMapping(value);
}
