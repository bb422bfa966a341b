import { describe, expect, it } from 'vitest';
import { promptToChatHistory } from './prompt-to-chat-history.ts';

describe('promptToChatHistory', () => {
  it('maps system, user and assistant text and ends with an empty model turn to answer', () => {
    const { history, warnings } = promptToChatHistory([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Tell me a story.' }] },
    ]);
    expect(history).toEqual([
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'Hi' },
      { type: 'model', response: ['Hello.'] },
      { type: 'user', text: 'Tell me a story.' },
      { type: 'model', response: [] },
    ]);
    expect(warnings).toEqual([]);
  });

  it('keeps a trailing assistant message as the start of the answer (a prefill)', () => {
    const { history } = promptToChatHistory([
      { role: 'user', content: [{ type: 'text', text: 'Story?' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Once upon' }] },
    ]);
    expect(history.at(-1)).toEqual({ type: 'model', response: ['Once upon'] });
  });

  it('joins text parts and merges neighbouring messages of one kind', () => {
    const { history } = promptToChatHistory([
      { role: 'system', content: 'A' },
      { role: 'system', content: 'B' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'three' }] },
    ]);
    expect(history).toEqual([
      { type: 'system', text: 'A\n\nB' },
      { type: 'user', text: 'one\n\ntwo\n\nthree' },
      { type: 'model', response: [] },
    ]);
  });

  it('drops files, tool calls and tool results with one warning per kind, and empty assistant turns', () => {
    const { history, warnings } = promptToChatHistory([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look' },
          { type: 'file', mediaType: 'image/png', data: new Uint8Array([1]) },
          { type: 'file', mediaType: 'image/png', data: new Uint8Array([2]) },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'I should call a tool.' },
          { type: 'tool-call', toolCallId: '1', toolName: 'lookup', input: {} },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: '1', toolName: 'lookup', output: { type: 'text', value: 'x' } },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'And?' }] },
    ]);
    expect(history).toEqual([
      { type: 'user', text: 'Look\n\nAnd?' },
      { type: 'model', response: [] },
    ]);
    expect(warnings.map((warning) => (warning.type === 'unsupported' ? warning.feature : ''))).toEqual([
      'file parts',
      'tool calls',
      'tool results',
    ]);
  });

  it('gives an empty prompt just the turn to answer', () => {
    expect(promptToChatHistory([]).history).toEqual([{ type: 'model', response: [] }]);
  });
});
