import type { ResourceSpecification } from './resource-specification.ts';
import type { RuleFinding } from './template-finding.ts';
import type { TemplateView } from './template-view.ts';

/** What a rule gets to look at. */
export interface RuleContext {
  template: TemplateView;
  spec: ResourceSpecification;
}

/**
 * One named check. A rule reports what it finds and never throws on odd input: a value of the wrong shape
 * is another rule's finding (mostly `template-structure`'s), so rules skip what they cannot read.
 */
export interface TemplateRule {
  /** Stable kebab-case name shown with every finding, e.g. `resource-type`. */
  name: string;
  /** One line for `quarry cloud validate --help`-style listings and the README. */
  summary: string;
  check(context: RuleContext): Iterable<RuleFinding>;
}
