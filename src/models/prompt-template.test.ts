import { describe, expect, it } from 'vitest';
import { defaultPrompts, type PromptName } from '../core/default-prompts.ts';
import { ValidationError } from '../core/errors/index.ts';
import { renderTemplate, templatePlaceholders } from './prompt-template.ts';

function renderError(name: PromptName, template: string): ValidationError {
  try {
    renderTemplate(name, template, {});
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('renderTemplate', () => {
  it('fills every placeholder, each as often as it occurs', () => {
    const text = renderTemplate('rag', 'Sources:\n{{sources}}\nQuestion: {{question}} ({{question}})', {
      sources: '[1] README.md\nQuarry syncs repositories.',
      question: 'What does it sync?',
    });
    expect(text).toBe(
      'Sources:\n[1] README.md\nQuarry syncs repositories.\nQuestion: What does it sync? (What does it sync?)',
    );
  });

  it('accepts whitespace inside the braces', () => {
    const text = renderTemplate('condense', '{{ history }}|{{question  }}|{{\thistory}}', {
      history: 'User: hi',
      question: 'and then?',
    });
    expect(text).toBe('User: hi|and then?|User: hi');
  });

  it('inserts values verbatim and once: a placeholder inside a value is not expanded again', () => {
    const text = renderTemplate('rag', 'S: {{sources}} Q: {{question}}', {
      sources: 'a passage quoting {{question}} and {{sources}}',
      question: 'why does my template say {{sources}}?',
    });
    expect(text).toBe(
      'S: a passage quoting {{question}} and {{sources}} Q: why does my template say {{sources}}?',
    );
  });

  it('fills an allowed placeholder without a value with nothing', () => {
    expect(renderTemplate('code', 'Write {{language}}.{{examples}}', { language: 'Go' })).toBe('Write Go.');
  });

  it('keeps values with $ patterns literally', () => {
    expect(renderTemplate('rag', 'Q: {{question}}', { question: "cost $& and $1 and $'" })).toBe(
      "Q: cost $& and $1 and $'",
    );
  });

  it('rejects an unknown placeholder, naming the template, the placeholder and the allowed ones', () => {
    const error = renderError('rag', 'Sources: {{sources}} Question: {{questoin}}');
    expect(error.message).toBe('The rag prompt template uses an unknown placeholder {{questoin}}.');
    expect(error.hint).toContain('models.prompts.rag');
    expect(error.hint).toContain('{{sources}}, {{question}}');
  });

  it('rejects a placeholder allowed in another template', () => {
    const error = renderError('condense', '{{history}} {{sources}}');
    expect(error.message).toContain('condense prompt template');
    expect(error.message).toContain('{{sources}}');
    expect(error.hint).toContain('{{history}}, {{question}}');
  });

  it('says that the system template takes no placeholders at all', () => {
    const error = renderError('system', 'You are {{name}}.');
    expect(error.message).toContain('{{name}}');
    expect(error.hint).toContain('models.prompts.system');
    expect(error.hint).toContain('it may use: none');
  });

  it('returns a template without placeholders unchanged, whatever the values', () => {
    const template = 'You are a helpful assistant. Use {single} braces and {{ }} freely.';
    expect(renderTemplate('system', template, { question: 'ignored' })).toBe(template);
    expect(renderTemplate('rag', '', {})).toBe('');
  });
});

describe('the default prompts', () => {
  const names = Object.keys(defaultPrompts) as PromptName[];

  it('use only the placeholders their template allows, and every one of them', () => {
    for (const name of names) {
      const used = [...defaultPrompts[name].matchAll(/\{\{\s*([A-Za-z]+)\s*\}\}/g)].map((match) => match[1]);
      expect(new Set(used), name).toEqual(new Set(templatePlaceholders[name]));
    }
  });

  it('render without errors and leave no placeholder behind', () => {
    for (const name of names) {
      const values = Object.fromEntries(templatePlaceholders[name].map((key) => [key, `<${key}>`]));
      const text = renderTemplate(name, defaultPrompts[name], values);
      expect(text, name).not.toMatch(/\{\{/);
      for (const key of templatePlaceholders[name]) expect(text, name).toContain(`<${key}>`);
    }
  });
});
