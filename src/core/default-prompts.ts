/**
 * The prompt templates Quarry ships with. Every one can be replaced in `models.prompts` and per model
 * entry. Placeholders are `{{name}}`; see `renderTemplate` for which names each template receives.
 */
export const defaultPrompts = {
  /** The assistant's standing instructions. */
  system:
    'You are Quarry, an assistant for software engineers. You answer questions about their code, the open-source projects they depend on and their documentation. Be precise and brief, and say so when you do not know.',
  /**
   * The question with its numbered sources. Receives `{{sources}}` (each passage as `[n] location` and
   * its text) and `{{question}}`.
   */
  rag: [
    'Answer the question using only the numbered sources below.',
    'Cite every statement with the number of its source in square brackets, like [1] or [2][3].',
    'Cite only the numbers shown. If the sources do not contain the answer, say that you could not find it in the sources.',
    '',
    'Sources:',
    '{{sources}}',
    '',
    'Question: {{question}}',
  ].join('\n'),
  /**
   * Turns a follow-up into a standalone question for retrieval. Receives `{{history}}` (earlier turns as
   * `User:` / `Assistant:` lines) and `{{question}}`.
   */
  condense: [
    'Rewrite the follow-up question as one standalone question that can be understood without the conversation.',
    'Keep names, versions and identifiers exactly. Reply with the question only.',
    '',
    'Conversation:',
    '{{history}}',
    '',
    'Follow-up question: {{question}}',
    'Standalone question:',
  ].join('\n'),
  /**
   * The code-generation request. Receives `{{language}}`, `{{instructions}}` and `{{examples}}` (numbered
   * passages from the grounding repository, or nothing).
   */
  code: [
    'Write {{language}} code for the instructions below.',
    'Reply with exactly one fenced code block (```{{language}}) containing the complete code, then at most two sentences of explanation.',
    '{{examples}}',
    'Instructions: {{instructions}}',
  ].join('\n'),
} as const;

/** The names of the templates in {@link defaultPrompts}. */
export type PromptName = keyof typeof defaultPrompts;

/** A few-shot example: a user turn and the assistant reply it should get. */
export interface FewShotExample {
  user: string;
  assistant: string;
}

/** The templates in effect for one model: the global ones with that entry's overrides applied. */
/** The templates in effect for one model: the global ones with that entry's overrides applied. */
export type PromptTemplates = Record<PromptName, string> & { fewShot: FewShotExample[] };
