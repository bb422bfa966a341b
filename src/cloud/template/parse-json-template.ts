import { findNodeAtLocation, type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import {
  lineLocator,
  maxNestingDepth,
  type TemplateParseResult,
  type TemplateSyntaxProblem,
  tooDeepMessage,
} from './parsed-template.ts';

/** jsonc-parser's error names, as sentences. */
const errorMessages: Record<string, string> = {
  InvalidSymbol: 'an unexpected character',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a property name in double quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a colon was expected',
  CommaExpected: 'a comma was expected',
  CloseBraceExpected: 'a closing } was expected',
  CloseBracketExpected: 'a closing ] was expected',
  EndOfFileExpected: 'the file should end here',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut off',
  InvalidUnicode: 'an invalid \\u escape',
  InvalidEscapeCharacter: 'an invalid escape',
  InvalidCharacter: 'a control character inside a string',
};

/**
 * Parses a JSON template strictly (no comments, no trailing commas) with jsonc-parser, which is several
 * times faster than a YAML parser on JSON and keeps every node's offset. Duplicate keys, which JSON.parse
 * would silently resolve to the last one, are problems here as in YAML.
 */
export function parseJsonTemplate(text: string): TemplateParseResult {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const position = lineLocator(text);
  const problems: TemplateSyntaxProblem[] = errors.slice(0, 5).map((error) => ({
    message: `Invalid JSON: ${errorMessages[printParseErrorCode(error.error)] ?? printParseErrorCode(error.error)}.`,
    ...position(error.offset),
  }));
  if (problems.length > 0 || !root)
    return { ok: false, problems: problems.length > 0 ? problems : [{ message: 'The template is empty.' }] };
  const body = plainValue(root, problems, position, 0);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    template: {
      body,
      locate: (path) => {
        for (let length = path.length; length >= 0; length -= 1) {
          const node = findNodeAtLocation(root, path.slice(0, length) as (string | number)[]);
          // A property's value sits after its key; the key's line is the one people look for.
          if (node) return position(node.parent?.type === 'property' ? node.parent.offset : node.offset);
        }
        return undefined;
      },
    },
  };
}

function plainValue(
  node: Node,
  problems: TemplateSyntaxProblem[],
  position: (offset: number) => { line: number; column: number },
  depth: number,
): unknown {
  if (depth > maxNestingDepth) {
    if (!problems.some((problem) => problem.message === tooDeepMessage))
      problems.push({ message: tooDeepMessage, ...position(node.offset) });
    return null;
  }
  if (node.type === 'array')
    return (node.children ?? []).map((child) => plainValue(child, problems, position, depth + 1));
  if (node.type !== 'object') return node.value;
  const result: Record<string, unknown> = {};
  for (const property of node.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (!keyNode || !valueNode) continue;
    const key = String(keyNode.value);
    if (Object.hasOwn(result, key))
      problems.push({
        message: `Duplicate key "${key}": it appears twice in the same object, and one would silently replace the other.`,
        ...position(keyNode.offset),
      });
    Object.defineProperty(result, key, {
      value: plainValue(valueNode, problems, position, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}
