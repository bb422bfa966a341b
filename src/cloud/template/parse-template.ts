import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { parseJsonTemplate } from './parse-json-template.ts';
import {
  maxNestingDepth,
  type TemplateParseResult,
  type TemplateSyntaxProblem,
  tooDeepMessage,
} from './parsed-template.ts';
import type { TemplatePathSegment } from './template-finding.ts';

export type { ParsedTemplate, TemplateParseResult, TemplateSyntaxProblem } from './parsed-template.ts';

/** CloudFormation refuses template bodies over 1 MB (the S3-hosted limit); so does Quarry, before parsing. */
export const maxTemplateBytes = 1_000_000;

/**
 * Short-form intrinsic functions: the tag, and the long-form key it stands for. `!GetAtt` and
 * `!Condition` are special-cased in {@link intrinsicValue}.
 */
const shortForms: ReadonlyMap<string, string> = new Map([
  ['!Ref', 'Ref'],
  ['!Condition', 'Condition'],
  ...[
    'And',
    'Base64',
    'Cidr',
    'Equals',
    'FindInMap',
    'GetAtt',
    'GetAZs',
    'If',
    'ImportValue',
    'Join',
    'Length',
    'Not',
    'Or',
    'Select',
    'Split',
    'Sub',
    'ToJsonString',
    'Transform',
    'ForEach',
    // Functions of the Rules section.
    'Contains',
    'EachMemberEquals',
    'EachMemberIn',
    'RefAll',
    'ValueOf',
    'ValueOfAll',
  ].map((name): [string, string] => [`!${name}`, `Fn::${name}`]),
]);

/**
 * Parses a YAML or JSON template; both get a duplicate-key check and line numbers. Syntax errors, duplicate keys, unknown `!` tags and an empty
 * document are returned as problems, never thrown.
 */
export function parseTemplate(text: string): TemplateParseResult {
  try {
    return parseText(text);
  } catch (error) {
    // The parsers recurse; a file nested thousands of levels deep overflows the stack before our limit.
    if (error instanceof RangeError) return { ok: false, problems: [{ message: tooDeepMessage }] };
    throw error;
  }
}

function parseText(text: string): TemplateParseResult {
  if (text.trim() === '') return { ok: false, problems: [{ message: 'The template is empty.' }] };
  // JSON gets a strict JSON parser: YAML would accept `"key": }` as a null, and is slower at it.
  if (/^\uFEFF?\s*[{[]/.test(text)) return parseJsonTemplate(text.replace(/^\uFEFF/, ''));
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const problems: TemplateSyntaxProblem[] = document.errors.map((error) => ({
    message:
      error.code === 'MULTIPLE_DOCS'
        ? 'The file holds several YAML documents (separated by ---); a template is a single document.'
        : error.code === 'DUPLICATE_KEY'
          ? 'Duplicate key: this key appears twice in the same mapping, and one would silently replace the other.'
          : firstLine(error.message),
    ...positionOf(error.linePos?.[0]),
  }));
  if (problems.length > 0) return { ok: false, problems };
  const positions = new Map<string, number>();
  const converter = new NodeConverter(positions, problems, lineCounter);
  const body = converter.convert(document.contents, []);
  if (problems.length > 0) return { ok: false, problems };
  if (body === null || body === undefined)
    return { ok: false, problems: [{ message: 'The template is empty.' }] };
  return { ok: true, template: { body, locate: (path) => locate(positions, lineCounter, path) } };
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

function positionOf(linePosition: { line: number; col: number } | undefined) {
  return linePosition ? { line: linePosition.line, column: linePosition.col } : {};
}

function pathKey(path: readonly TemplatePathSegment[]): string {
  return path.join('\u0000');
}

function locate(
  positions: ReadonlyMap<string, number>,
  lineCounter: LineCounter,
  path: readonly TemplatePathSegment[],
): { line: number; column: number } | undefined {
  for (let length = path.length; length >= 0; length -= 1) {
    const offset = positions.get(pathKey(path.slice(0, length)));
    if (offset !== undefined) {
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    }
  }
  return undefined;
}

/** Turns the YAML tree into plain values, remembering where each value starts. */
class NodeConverter {
  constructor(
    private readonly positions: Map<string, number>,
    private readonly problems: TemplateSyntaxProblem[],
    private readonly lineCounter: LineCounter,
  ) {}

  convert(node: unknown, path: TemplatePathSegment[]): unknown {
    if (node === null || node === undefined) return null;
    const yamlNode = node as Node;
    if (path.length > maxNestingDepth) {
      if (!this.problems.some((problem) => problem.message === tooDeepMessage))
        this.report(yamlNode, tooDeepMessage);
      return null;
    }
    if (yamlNode.range) this.positions.set(pathKey(path), yamlNode.range[0]);
    const tag = yamlNode.tag;
    if (tag?.startsWith('!') && !tag.startsWith('!!')) return this.convertTagged(yamlNode, tag, path);
    return this.convertPlain(yamlNode, path);
  }

  private convertPlain(node: Node, path: TemplatePathSegment[]): unknown {
    if (isMap(node)) {
      const result: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        // defineProperty, not assignment: a key named `__proto__` must stay a key, not replace the prototype.
        Object.defineProperty(result, key, {
          value: this.convert(pair.value, [...path, key]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        // The key's line, not the value's: a block mapping's value starts on the line after its key.
        if (isScalar(pair.key) && pair.key.range)
          this.positions.set(pathKey([...path, key]), pair.key.range[0]);
      }
      return result;
    }
    if (isSeq(node)) return node.items.map((item, index) => this.convert(item, [...path, index]));
    if (isScalar(node)) return node.value;
    if (isAlias(node)) {
      this.report(node, 'YAML aliases (*name) are not supported in CloudFormation templates.');
      return null;
    }
    return null;
  }

  private convertTagged(node: Node, tag: string, path: TemplatePathSegment[]): unknown {
    const longForm = shortForms.get(tag) ?? rainDirective(tag);
    if (longForm === undefined) {
      this.report(
        node,
        `Unknown tag ${tag}: CloudFormation's short forms are ${[...shortForms.keys()].join(', ')}.`,
      );
      return null;
    }
    const inner = this.convertPlain(node, [...path, longForm]);
    if (node.range) this.positions.set(pathKey([...path, longForm]), node.range[0]);
    return { [longForm]: intrinsicValue(longForm, inner) };
  }

  private report(node: Node, message: string): void {
    const offset = node.range?.[0];
    this.problems.push({
      message,
      ...(offset === undefined ? {} : positionOf(this.lineCounter.linePos(offset))),
    });
  }
}

/**
 * AWS's `rain` tool pre-processes `!Rain::Embed`, `!Rain::Module`, `!Rain::S3` … before deploying; such a
 * value is kept as `{ 'Rain::Module': … }` for the `rain-directive` rule to report, not refused as a typo.
 */
function rainDirective(tag: string): string | undefined {
  return /^!Rain::\w+$/.test(tag) ? tag.slice(1) : undefined;
}

/** `!GetAtt Resource.Attribute` is the one short form whose scalar becomes a list. */
function intrinsicValue(longForm: string, inner: unknown): unknown {
  if (longForm === 'Fn::GetAtt' && typeof inner === 'string') {
    const dot = inner.indexOf('.');
    return dot < 0 ? [inner] : [inner.slice(0, dot), inner.slice(dot + 1)];
  }
  if (inner === null) return '';
  return inner;
}
