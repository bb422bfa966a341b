import type { TemplateRule } from '../template-rule.ts';
import { isMapping, walkValues } from '../template-view.ts';

/**
 * Notes `!Rain::Embed`, `!Rain::Module` … directives: the source of AWS's `rain pkg`, which replaces them
 * before a deployment. They are not errors, but CloudFormation itself would refuse the template as it is.
 */
export const rainDirectiveRule: TemplateRule = {
  name: 'rain-directive',
  summary: 'rain pre-processor directives (!Rain::Embed …) that `rain pkg` must expand before a deployment',
  *check({ template }) {
    for (const { value, path } of walkValues(template.body, [])) {
      if (!isMapping(value)) continue;
      for (const key of Object.keys(value)) {
        if (key.startsWith('Rain::'))
          yield {
            severity: 'warning',
            message: `${key} is a rain directive: run \`rain pkg\` to expand it into a template CloudFormation accepts.`,
            path: [...path, key],
          };
      }
    }
  },
};
