import type { PromptName } from '../core/default-prompts.ts';
import { ValidationError } from '../core/errors/index.ts';

/** The placeholders each template may use; anything else in `{{…}}` is a configuration mistake. */
export const templatePlaceholders: Record<PromptName, readonly string[]> = {
  system: [],
  rag: ['sources', 'question'],
  condense: ['history', 'question'],
  code: ['language', 'instructions', 'examples'],
};

const placeholder = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/**
 * Fills `{{name}}` placeholders of the named template with `values`. Values are inserted verbatim, once:
 * a `{{…}}` inside a value (a question that quotes a template) is not expanded again. A placeholder the
 * template may not use is a `ValidationError` naming the template, so a typo in the config is caught on
 * first use instead of sending `{{questoin}}` to the model.
 */
export function renderTemplate(
  name: PromptName,
  template: string,
  values: Partial<Record<string, string>>,
): string {
  const allowed = templatePlaceholders[name];
  return template.replace(placeholder, (_match, key: string) => {
    if (!allowed.includes(key)) {
      const expected = allowed.length === 0 ? 'none' : allowed.map((item) => `{{${item}}}`).join(', ');
      throw new ValidationError(`The ${name} prompt template uses an unknown placeholder {{${key}}}.`, {
        hint: `Fix models.prompts.${name} (or the model entry's prompts.${name}); it may use: ${expected}.`,
      });
    }
    return values[key] ?? '';
  });
}
