import { QuarryError } from '../../core/errors/index.ts';
import type { DryRunCheck, Ec2Control, LaunchRequest } from '../../core/ports/ec2-control.ts';

/** The dry run as a whole: skipped (no credentials), passed, or the first way it did not. */
export interface DryRunOutcome {
  status: 'skipped' | 'passed' | 'unauthorized' | 'invalid' | 'error';
  checks: DryRunCheck[];
  /** One line for people. */
  summary: string;
}

/** What to tell a user without credentials. */
export const dryRunSkippedSummary =
  'Dry run skipped: no AWS credentials found. Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, to check permissions and parameters with a DryRun call.';

/** Which failure the summary leads with when several checks failed. */
const severity: Record<DryRunCheck['outcome'], number> = {
  unauthorized: 3,
  invalid: 2,
  error: 1,
  allowed: 0,
};

/**
 * Dry-runs the launch when there is a control (credentials); a failure to ask at all becomes an
 * `error` outcome rather than an exception, so the plan is still shown.
 */
export async function runDryRun(
  control: Ec2Control | undefined,
  request: LaunchRequest,
): Promise<DryRunOutcome> {
  if (control === undefined) return { status: 'skipped', checks: [], summary: dryRunSkippedSummary };
  let checks: DryRunCheck[];
  try {
    checks = await control.dryRunLaunch(request);
  } catch (error) {
    const message = QuarryError.is(error) || error instanceof Error ? error.message : String(error);
    return { status: 'error', checks: [], summary: `Dry run failed: ${message}` };
  }
  const worst = [...checks].sort((left, right) => severity[right.outcome] - severity[left.outcome])[0];
  if (worst === undefined || worst.outcome === 'allowed') {
    return {
      status: 'passed',
      checks,
      summary: `Dry run passed in ${control.region}: ${checks.map((check) => check.action).join(' and ')} would succeed (DryRunOperation).`,
    };
  }
  const what = {
    unauthorized: 'the credentials may not',
    invalid: 'EC2 refused the parameters of',
    error: 'no answer for',
  }[worst.outcome];
  return {
    status: worst.outcome,
    checks,
    summary: `Dry run did not pass in ${control.region}: ${what} ${worst.action} (${worst.code}: ${worst.message.replace(/\.$/, '')}).`,
  };
}
