import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.ts';
import type { NewMessage } from '../ports/conversation-catalog.ts';
import { prepareMessages } from './prepare-messages.ts';

const question: NewMessage = { role: 'user', content: 'Why?', metadata: { model: 'm' }, createdAt: 't1' };

describe('prepareMessages', () => {
  it('keeps each message with its metadata as JSON text', () => {
    expect(prepareMessages([question])).toEqual([
      { role: 'user', content: 'Why?', metadata: '{"model":"m"}', createdAt: 't1' },
    ]);
  });

  it('refuses an empty batch with a hint', () => {
    expect(() => prepareMessages([])).toThrow(ValidationError);
    expect(() => prepareMessages([])).toThrow(
      'A batch of messages to append must hold at least one message.',
    );
  });

  it('names the message of the batch that is wrong', () => {
    const system = { ...question, role: 'system' } as unknown as NewMessage;
    expect(() => prepareMessages([question, system])).toThrow(
      'Message 2 of the batch has the role "system"; expected "user" or "assistant".',
    );
    expect(() => prepareMessages([{ ...question, metadata: [] as never }])).toThrow(
      'The metadata of message 1 of the batch must be a plain object that JSON can store.',
    );
  });
});
