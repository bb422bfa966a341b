import { generateText, type ModelMessage, type UserContent } from 'ai';
import { ValidationError } from '../../core/errors/index.ts';
import type { LanguageRuntime } from '../../core/ports/language-runtime.ts';
import { modelFailure } from '../../models/model-failure.ts';
import type { ResourceSpecification } from '../template/resource-specification.ts';
import type { TemplateFinding } from '../template/template-finding.ts';
import { type TemplateReport, validateTemplateText } from '../template/validate-template.ts';
import type { Diagram } from './read-diagram.ts';
import { templateFromReply } from './template-from-reply.ts';
import {
  firstRequestText,
  noTemplateRequestText,
  repairRequestText,
  templateSystemPrompt,
} from './template-prompt.ts';

/** What to generate. */
export interface TemplateRequest {
  /** The user's words. */
  request: string;
  diagram?: Diagram;
  /** Rounds of "here are the findings, fix them" after the first answer. */
  maxRepairs: number;
  abortSignal?: AbortSignal;
}

/** One answer of the model and what validation said about it. */
export interface GenerationRound {
  /** 0 for the first answer, then 1, 2 … for repairs. */
  round: number;
  /** Whether the reply held a template at all. */
  template: boolean;
  errors: TemplateFinding[];
  warnings: TemplateFinding[];
}

/**
 * How generation ended: `valid` (no errors; warnings may remain), `errors-remain` (repairs used up),
 * `repeating` (the model returned the same errors twice, so more rounds would not help), or `no-template`
 * (no round produced a template).
 */
export type GenerationStatus = 'valid' | 'errors-remain' | 'repeating' | 'no-template';

/** The result of {@link generateTemplate}. */
export interface GeneratedTemplate {
  status: GenerationStatus;
  /** The last template the model wrote; absent only when it never wrote one. */
  template?: string;
  /** Findings on that template. */
  report: TemplateReport;
  rounds: GenerationRound[];
  /** Findings of earlier rounds that the last template no longer has. */
  fixed: TemplateFinding[];
}

/**
 * Writes a CloudFormation template for a request (and diagram), validates it, and sends every finding
 * back to the model for up to `maxRepairs` rounds. It stops early when the template is valid, or when a
 * round brings back exactly the same errors as the one before. The status never says `valid` for a
 * template that still has errors.
 */
export async function generateTemplate(
  runtime: LanguageRuntime,
  spec: ResourceSpecification,
  request: TemplateRequest,
): Promise<GeneratedTemplate> {
  checkTemplateRequest(request);
  const messages: ModelMessage[] = [{ role: 'user', content: firstContent(request) }];
  const rounds: GenerationRound[] = [];
  let latest: { template: string; report: TemplateReport } | undefined;
  for (let round = 0; round <= request.maxRepairs; round += 1) {
    const reply = await ask(runtime, messages, request.abortSignal);
    messages.push({ role: 'assistant', content: reply });
    const template = templateFromReply(reply);
    const report =
      template === undefined ? { errors: [], warnings: [] } : validateTemplateText(template, spec);
    rounds.push({ round, template: template !== undefined, ...report });
    if (template !== undefined) latest = { template, report };
    const status = statusAfter(rounds, request.maxRepairs);
    if (status) return result(status, latest, rounds);
    messages.push({
      role: 'user',
      content:
        template === undefined ? noTemplateRequestText : repairRequestText(report.errors, report.warnings),
    });
  }
  return result(latest ? 'errors-remain' : 'no-template', latest, rounds);
}

/** The checks that need no model; run them before loading one. */
export function checkTemplateRequest(request: Pick<TemplateRequest, 'request' | 'maxRepairs'>): void {
  if (request.request.trim() === '')
    throw new ValidationError('The request is empty: there is nothing to build a template for.', {
      hint: 'Describe the infrastructure, e.g. "a private S3 bucket with versioning and a Lambda that reads it".',
    });
  if (!Number.isInteger(request.maxRepairs) || request.maxRepairs < 0 || request.maxRepairs > 10)
    throw new ValidationError(
      `--max-repairs must be a whole number from 0 to 10, not ${request.maxRepairs}.`,
    );
}

function firstContent(request: TemplateRequest): UserContent {
  const text = firstRequestText(request.request.trim(), request.diagram !== undefined);
  if (!request.diagram) return text;
  return [
    { type: 'image', image: request.diagram.bytes, mediaType: request.diagram.mediaType },
    { type: 'text', text },
  ];
}

async function ask(
  runtime: LanguageRuntime,
  messages: ModelMessage[],
  abortSignal?: AbortSignal,
): Promise<string> {
  try {
    const reply = await generateText({
      model: runtime.model,
      system: templateSystemPrompt,
      messages,
      maxOutputTokens: runtime.maxOutputTokens,
      ...(runtime.temperature === undefined ? {} : { temperature: runtime.temperature }),
      ...(abortSignal ? { abortSignal } : {}),
    });
    return reply.text;
  } catch (error) {
    throw modelFailure(runtime.name, error);
  }
}

/** Decides whether the loop ends after the latest round, and how. */
function statusAfter(rounds: readonly GenerationRound[], maxRepairs: number): GenerationStatus | undefined {
  const last = rounds.at(-1);
  const previous = rounds.at(-2);
  if (!last) return undefined;
  if (last.template && last.errors.length === 0) return 'valid';
  if (previous && !previous.template && !last.template) return 'no-template';
  if (previous?.template && last.template && sameErrors(previous.errors, last.errors)) return 'repeating';
  if (last.round >= maxRepairs)
    return rounds.some((round) => round.template) ? 'errors-remain' : 'no-template';
  return undefined;
}

/** Same rule, path and message: line numbers move when the model rewrites text around the problem. */
function findingKey(finding: TemplateFinding): string {
  return `${finding.rule}\u0000${finding.path}\u0000${finding.message}`;
}

function sameErrors(left: readonly TemplateFinding[], right: readonly TemplateFinding[]): boolean {
  const keys = new Set(left.map(findingKey));
  return left.length === right.length && right.every((finding) => keys.has(findingKey(finding)));
}

function result(
  status: GenerationStatus,
  latest: { template: string; report: TemplateReport } | undefined,
  rounds: GenerationRound[],
): GeneratedTemplate {
  const report = latest?.report ?? { errors: [], warnings: [] };
  const remaining = new Set([...report.errors, ...report.warnings].map(findingKey));
  const fixed = new Map<string, TemplateFinding>();
  for (const round of rounds.slice(0, -1)) {
    for (const finding of [...round.errors, ...round.warnings]) {
      if (!remaining.has(findingKey(finding))) fixed.set(findingKey(finding), finding);
    }
  }
  return {
    status,
    ...(latest ? { template: latest.template } : {}),
    report,
    rounds,
    fixed: [...fixed.values()],
  };
}
