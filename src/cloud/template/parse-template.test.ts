import { describe, expect, it } from 'vitest';
import { parseTemplate } from './parse-template.ts';

function parsed(text: string) {
  const result = parseTemplate(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.template;
}

describe('parseTemplate', () => {
  it('turns short-form intrinsics into their long form', () => {
    const template = parsed(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub's own ${} syntax, not a JavaScript template.
      'A: !Ref Name\nB: !GetAtt Db.Endpoint.Address\nC: !Sub "${X}"\nD: !If [Cond, 1, 2]\nE: !GetAZs\nF: !Condition IsProd\n',
    );
    expect(template.body).toEqual({
      A: { Ref: 'Name' },
      B: { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub's own ${} syntax.
      C: { 'Fn::Sub': '${X}' },
      D: { 'Fn::If': ['Cond', 1, 2] },
      E: { 'Fn::GetAZs': '' },
      F: { Condition: 'IsProd' },
    });
  });

  it('reads JSON and locates values by path, falling back to the nearest ancestor', () => {
    const template = parsed(
      '{\n  "Resources": {\n    "Topic": {\n      "Type": "AWS::SNS::Topic"\n    }\n  }\n}\n',
    );
    expect(template.locate(['Resources', 'Topic', 'Type'])).toEqual({ line: 4, column: 7 });
    expect(template.locate(['Resources', 'Topic', 'Properties', 'Name'])).toEqual({ line: 3, column: 5 });
  });

  it('reports invalid YAML and JSON with line and column', () => {
    const yaml = parseTemplate('Resources:\n  Topic: [unclosed\n');
    expect(yaml.ok).toBe(false);
    if (!yaml.ok) expect(yaml.problems[0]?.line).toBeGreaterThanOrEqual(2);
    const json = parseTemplate('{\n  "Resources": {\n    "Topic": \n  }\n}');
    expect(json).toMatchObject({ ok: false, problems: [{ line: 4, column: 3 }] });
  });

  it('refuses duplicate keys, naming the line of the second', () => {
    const result = parseTemplate(
      'Resources:\n  Topic: {Type: AWS::SNS::Topic}\n  Topic: {Type: AWS::SQS::Queue}\n',
    );
    expect(result).toMatchObject({
      ok: false,
      problems: [{ line: 3, message: expect.stringMatching(/Duplicate key/) }],
    });
  });

  it('refuses an empty file, unknown tags and aliases', () => {
    expect(parseTemplate('  \n')).toMatchObject({
      ok: false,
      problems: [{ message: 'The template is empty.' }],
    });
    expect(parseTemplate('# only a comment\n')).toMatchObject({ ok: false });
    expect(parseTemplate('A: !Reff x\n')).toMatchObject({
      ok: false,
      problems: [{ line: 1, message: expect.stringMatching(/Unknown tag !Reff/) }],
    });
    expect(parseTemplate('A: &x 1\nB: *x\n')).toMatchObject({ ok: false, problems: [{ line: 2 }] });
  });
});

describe('parseTemplate on JSON', () => {
  it('refuses trailing commas and comments, and names duplicate keys', () => {
    expect(parseTemplate('{\n "a": [1, 2,]\n}')).toMatchObject({
      ok: false,
      problems: [{ line: 2, column: 13 }],
    });
    expect(parseTemplate('{ // note\n "a": 1\n}')).toMatchObject({ ok: false, problems: [{ line: 1 }] });
    expect(parseTemplate('{\n "Resources": {},\n "Resources": {}\n}')).toMatchObject({
      ok: false,
      problems: [{ line: 3, column: 2, message: expect.stringMatching(/Duplicate key "Resources"/) }],
    });
  });

  it('keeps a key named __proto__ as a key', () => {
    const template = parsed('{"__proto__": {"x": 1}, "Resources": {}}');
    expect(Object.keys(template.body as object)).toEqual(['__proto__', 'Resources']);
    const yaml = parsed('__proto__: {x: 1}\nResources: {}\n');
    expect(Object.keys(yaml.body as object)).toEqual(['__proto__', 'Resources']);
  });
});

describe('parseTemplate on deeply nested input', () => {
  it('reports nesting beyond the limit instead of overflowing the stack, in YAML and JSON', () => {
    const deepJson = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(parseTemplate(deepJson)).toMatchObject({
      ok: false,
      problems: [{ message: expect.stringMatching(/levels deep/) }],
    });
    const nestedJson = `{"Resources": ${'{"a": '.repeat(150)}1${'}'.repeat(150)}}`;
    expect(parseTemplate(nestedJson)).toMatchObject({
      ok: false,
      problems: [{ message: expect.stringMatching(/levels deep/) }],
    });
    const deepYaml = `Resources: ${'['.repeat(150)}${']'.repeat(150)}\n`;
    expect(parseTemplate(deepYaml)).toMatchObject({
      ok: false,
      problems: [{ message: expect.stringMatching(/levels deep/) }],
    });
  });
});
