import { UpstreamError, ValidationError } from '../../core/errors/index.ts';
import type { Ec2Control, LaunchResult } from '../../core/ports/ec2-control.ts';
import type { Ec2PlanResult } from './plan-ec2-launch.ts';

/** How `--apply` is confirmed. */
export interface LaunchConsent {
  /** `--yes`: confirmed up front, for scripts. */
  yes: boolean;
  /** Asks the question and returns the line typed, or undefined when the input ended. */
  ask?: (question: string) => Promise<string | undefined>;
}

/**
 * Refuses `--apply` that can never be confirmed: without `--yes` and without a terminal to ask on.
 * Called before any model is loaded.
 */
export function checkConsentPossible(consent: LaunchConsent): void {
  if (consent.yes || consent.ask !== undefined) return;
  throw new ValidationError(
    '--apply needs a confirmation and there is no terminal to ask on: add --yes to launch without the question.',
    { hint: 'In scripts, pass --apply --yes; in a terminal, leave out --yes and type yes when asked.' },
  );
}

/**
 * Launches a planned instance once everything agrees: credentials (a control), a dry run that passed,
 * and consent (`--yes`, or `yes` typed at the question). Returns undefined when the user did not
 * confirm; nothing is launched then.
 */
export async function applyEc2Launch(
  control: Ec2Control | undefined,
  planned: Ec2PlanResult,
  consent: LaunchConsent,
): Promise<LaunchResult | undefined> {
  if (control === undefined) {
    throw new ValidationError('Cannot launch: no AWS credentials found.', {
      hint: 'Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then run again with --apply.',
    });
  }
  if (planned.dryRun.status !== 'passed') {
    throw new UpstreamError(`Not launched: ${planned.dryRun.summary}`, {
      hint: 'Fix what the dry run reports (permissions, key pair, image), then run again with --apply.',
    });
  }
  checkConsentPossible(consent);
  if (!consent.yes) {
    const question = `Launch ${planned.plan.instanceType.name} in ${planned.region} (about $${planned.cost.monthlyUsd.toFixed(2)} a month)? Type yes to launch: `;
    const answer = await consent.ask?.(question);
    if (answer?.trim().toLowerCase() !== 'yes') return undefined;
  }
  return control.launch(planned.launchRequest);
}
