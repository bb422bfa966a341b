import type { ModelMessage } from 'ai';
import { ValidationError } from '../../core/errors/index.ts';
import type { Ec2Control, InstanceTypeFacts, LaunchRequest } from '../../core/ports/ec2-control.ts';
import type { LanguageRuntime } from '../../core/ports/language-runtime.ts';
import { askForPlan, type PlanAnswer } from './ask-for-plan.ts';
import { checkEc2Request, type Ec2PlanRequest } from './check-ec2-request.ts';
import { type DryRunOutcome, runDryRun } from './dry-run-outcome.ts';
import { type CostEstimate, estimateCost } from './estimate-cost.ts';
import { checkGuardRails, type GuardRailSettings } from './guard-rails.ts';
import { instanceCatalog } from './instance-catalog.ts';
import { instanceChoices, refreshCatalog } from './instance-choices.ts';
import type { GuardRailViolation, LaunchPlan } from './launch-plan.ts';
import { buildLaunchPrompt, buildRepairPrompt } from './launch-prompt.ts';
import { launchRequestFor } from './launch-request.ts';
import { planWarnings } from './plan-warnings.ts';
import { type CliCommand, renderAwsCli } from './render-aws-cli.ts';
import { renderCloudFormation } from './render-cloudformation.ts';

/** What planning runs on. */
export interface Ec2PlanDependencies {
  runtime: LanguageRuntime;
  /** EC2 in the request's region; absent without AWS credentials (no catalog refresh, no dry run). */
  control?: Ec2Control;
  clock: () => Date;
}

/** A checked plan and everything shown about it. */
export interface Ec2PlanResult {
  request: string;
  region: string;
  /** The model reference (`runtime.name`). */
  model: string;
  plan: LaunchPlan;
  /** What `--apply` launches. */
  launchRequest: LaunchRequest;
  cost: CostEstimate;
  commands: CliCommand[];
  cloudFormation: string;
  warnings: string[];
  dryRun: DryRunOutcome;
  /** `region`: the catalog was refreshed with DescribeInstanceTypes; `bundled`: it was not. */
  catalogSource: 'region' | 'bundled';
  /** 1 when the first plan broke a guard rail and the model corrected it. */
  repairRounds: number;
}

/**
 * Turns a plain-language request into a checked EC2 launch plan: the catalog (refreshed from the region
 * when there are credentials) bounds the model's choice, the guard rails check its answer in code, and
 * a plan that breaks one goes back to the model once with the reasons. The result holds the priced
 * plan, the AWS CLI commands, a CloudFormation template and, with credentials, the dry-run outcome.
 * Nothing is launched here.
 */
export async function planEc2Launch(
  dependencies: Ec2PlanDependencies,
  input: Ec2PlanRequest,
): Promise<Ec2PlanResult> {
  const checked = checkEc2Request(input);
  const { control, runtime } = dependencies;
  const catalogWarnings: string[] = [];
  const facts = control === undefined ? undefined : await regionFacts(control, catalogWarnings);
  const choices = instanceChoices(refreshCatalog(instanceCatalog, facts), checked.allowTypes);
  const settings: GuardRailSettings = {
    choices,
    allowOpenAdminPorts: checked.allowOpenAdminPorts,
    region: checked.region,
    request: checked.request,
  };
  const prompt = buildLaunchPrompt({ ...checked, allowed: choices.allowed });
  const { plan, repairRounds } = await planWithRepair(runtime, prompt, settings, input.abortSignal);
  const launchRequest = launchRequestFor(plan, dependencies.clock());
  const cost = estimateCost(plan, checked.region);
  const dryRun = await runDryRun(control, launchRequest);
  return {
    request: checked.request,
    region: checked.region,
    model: runtime.name,
    plan,
    launchRequest,
    cost,
    commands: renderAwsCli(launchRequest, checked.region),
    cloudFormation: renderCloudFormation(launchRequest, plan.image.ssmParameter),
    warnings: [...catalogWarnings, ...planWarnings(plan, cost, dryRun, checked.allowOpenAdminPorts)],
    dryRun,
    catalogSource: facts === undefined ? 'bundled' : 'region',
    repairRounds,
  };
}

/** The region's facts about the catalog's types; undefined (with a warning) when it cannot be asked. */
async function regionFacts(
  control: Ec2Control,
  warnings: string[],
): Promise<InstanceTypeFacts[] | undefined> {
  try {
    return await control.describeInstanceTypes(instanceCatalog.map((spec) => spec.name));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    warnings.push(
      `Could not refresh the instance catalog from ${control.region} (${reason}); using the bundled one.`,
    );
    return undefined;
  }
}

async function planWithRepair(
  runtime: LanguageRuntime,
  prompt: string,
  settings: GuardRailSettings,
  abortSignal: AbortSignal | undefined,
): Promise<{ plan: LaunchPlan; repairRounds: number }> {
  const allowedTypes = settings.choices.allowed.map((spec) => spec.name) as [string, ...string[]];
  const messages: ModelMessage[] = [{ role: 'user', content: prompt }];
  const first = await askForPlan(runtime, messages, allowedTypes, abortSignal);
  const firstOutcome = checkGuardRails(first.draft, settings);
  if ('plan' in firstOutcome) return { plan: firstOutcome.plan, repairRounds: 0 };
  const repair = repairMessages(messages, first, firstOutcome.violations);
  const second = await askForPlan(runtime, repair, allowedTypes, abortSignal);
  const secondOutcome = checkGuardRails(second.draft, settings);
  if ('plan' in secondOutcome) return { plan: secondOutcome.plan, repairRounds: 1 };
  throw guardRailError(runtime, secondOutcome.violations);
}

function repairMessages(
  messages: ModelMessage[],
  answer: PlanAnswer,
  violations: readonly GuardRailViolation[],
): ModelMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: answer.text },
    { role: 'user', content: buildRepairPrompt(violations) },
  ];
}

function guardRailError(
  runtime: LanguageRuntime,
  violations: readonly GuardRailViolation[],
): ValidationError {
  const listed = violations.map((violation) => `[${violation.rule}] ${violation.message}`).join(' ');
  const count = violations.length === 1 ? 'a guard rail' : `${violations.length} guard rails`;
  return new ValidationError(
    `The plan from ${runtime.name} breaks ${count} even after one correction: ${listed}`,
    { hint: violations[0]?.hint ?? 'Rephrase the request.' },
  );
}
