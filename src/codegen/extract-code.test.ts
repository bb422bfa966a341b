import { describe, expect, it } from 'vitest';
import { extractCode } from './extract-code.ts';
import { resolveLanguage } from './languages.ts';

const python = resolveLanguage('python');
const shell = resolveLanguage('shell');

describe('extractCode', () => {
  it('returns the block tagged with the language, with the prose as explanation', () => {
    const reply = 'Here you go:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nIt adds two numbers.';
    expect(extractCode(reply, python)).toEqual({
      code: 'def add(a, b):\n    return a + b\n',
      tag: 'python',
      explanation: 'Here you go:\n\nIt adds two numbers.',
    });
  });

  it('matches aliases and ignores extra words in the info string', () => {
    const reply = '```text\nignore me\n```\n```bash title="run.sh" {1,3}\necho hi\n```';
    expect(extractCode(reply, shell)).toMatchObject({ code: 'echo hi\n', tag: 'bash' });
  });

  it.each([
    ['```{.python}\nx = 1\n```', 'python'],
    ['```language-python\nx = 1\n```', 'python'],
    ['```python:app.py\nx = 1\n```', 'python'],
    ['```Python\nx = 1\n```', 'python'],
  ])('reads the language word of %j', (reply, tag) => {
    expect(extractCode(reply, python)).toMatchObject({ code: 'x = 1\n', tag });
  });

  it('accepts tilde fences and longer fences that contain shorter ones', () => {
    expect(extractCode('~~~python\nprint("~")\n~~~', python)).toMatchObject({ code: 'print("~")\n' });
    const nested = '````markdown\n```python\nx = 1\n```\n````';
    expect(extractCode(nested, resolveLanguage('markdown'))).toMatchObject({
      code: '```python\nx = 1\n```\n',
    });
  });

  it('does not close a fence with the other character or a shorter run', () => {
    const reply = '~~~~python\na = """\n```\n~~~\n"""\n~~~~';
    expect(extractCode(reply, python)).toMatchObject({ code: 'a = """\n```\n~~~\n"""\n' });
  });

  it('prefers the longest block in the language over a short usage example', () => {
    const reply = '```python\ndef main():\n    run()\n```\nUsage:\n```python\nmain()\n```';
    expect(extractCode(reply, python)).toMatchObject({ code: 'def main():\n    run()\n' });
  });

  it('falls back to the first untagged block, then to the longest block', () => {
    expect(extractCode('```json\n{}\n```\n```\nfirst\n```\n```\nsecond one\n```', python)).toMatchObject({
      code: 'first\n',
      tag: '',
    });
    expect(extractCode('```js\na\n```\n```ruby\nlonger\n```', python)).toMatchObject({ code: 'longer\n' });
  });

  it('keeps indentation, removes the fence indentation of a list item, and ends with one newline', () => {
    const reply = '1. Code:\n   ```python\n   if x:\n       y()\n\n\n   ```';
    expect(extractCode(reply, python)).toMatchObject({ code: 'if x:\n    y()\n' });
    expect(extractCode('```python\n\n\n  indented()\n```', python)).toMatchObject({ code: '  indented()\n' });
  });

  it('handles CRLF line endings', () => {
    expect(extractCode('```python\r\nx = 1\r\n```\r\n', python)).toMatchObject({ code: 'x = 1\n' });
  });

  it('reports no-block when there is no fence, including inline triple backticks', () => {
    expect(extractCode('I cannot help with that.', python)).toEqual({ code: undefined, reason: 'no-block' });
    expect(extractCode('Use ```print()``` here.', python)).toEqual({ code: undefined, reason: 'no-block' });
    expect(extractCode('', python)).toEqual({ code: undefined, reason: 'no-block' });
  });

  it('reports empty-block when every block is empty or whitespace', () => {
    expect(extractCode('```python\n   \n\n```', python)).toEqual({ code: undefined, reason: 'empty-block' });
  });

  it('reports truncated for an unclosed final block, even after a complete one', () => {
    expect(extractCode('```python\ndef f(:\n    return', python)).toEqual({
      code: undefined,
      reason: 'truncated',
    });
    expect(extractCode('```python\nx = 1\n```\nAlso:\n```python\ny =', python)).toMatchObject({
      reason: 'truncated',
    });
  });

  it('ignores a stray empty fence at the end', () => {
    expect(extractCode('```python\nx = 1\n```\n```', python)).toMatchObject({ code: 'x = 1\n' });
  });

  it('skips fences inside reasoning (<think>) sections', () => {
    const reply = '<think>\nMaybe:\n```python\ndraft()\n```\n</think>\n```python\nfinal()\n```';
    expect(extractCode(reply, python)).toMatchObject({ code: 'final()\n' });
    expect(extractCode('<think>\n```python\ndraft()\n```\nstill thinking', python)).toMatchObject({
      reason: 'no-block',
    });
  });
});
