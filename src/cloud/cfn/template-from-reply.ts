import { extractCode } from '../../codegen/extract-code.ts';
import { resolveLanguage } from '../../codegen/languages.ts';

const yaml = resolveLanguage('yaml');

/**
 * The template text in a model's reply: the YAML (or JSON) fenced block, or the whole reply when the model
 * answered with a bare template. `undefined` when there is none, or when the block was cut off.
 */
export function templateFromReply(reply: string): string | undefined {
  const extracted = extractCode(reply, yaml);
  if (extracted.code !== undefined) return extracted.code;
  if (extracted.reason !== 'no-block') return undefined;
  const bare = reply.trim();
  return /^(AWSTemplateFormatVersion|Description|Parameters|Resources|\{)/m.test(bare) &&
    /Resources/.test(bare)
    ? `${bare}\n`
    : undefined;
}
