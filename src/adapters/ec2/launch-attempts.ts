import type { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { UpstreamError } from '../../core/errors/index.ts';
import { describeEc2Error, throttlingCodes } from './ec2-errors.ts';

/** What became of the RunInstances attempts the SDK made (it retries on its own). */
export interface AttemptLog {
  /** Attempts that went out to EC2. */
  sent: number;
  /** Failures of attempts after which the instance may exist: no answer, or an answer that does not say. */
  unclear: unknown[];
}

/**
 * Records every attempt of `command` in the returned log. The middleware sits inside the SDK's retries
 * and around its response parsing, so it sees each attempt's own outcome, EC2 error codes included; a
 * final error alone would hide an earlier attempt that timed out after EC2 had launched the instance.
 */
export function recordAttempts(command: RunInstancesCommand): AttemptLog {
  const log: AttemptLog = { sent: 0, unclear: [] };
  command.middlewareStack.add(
    (next) => async (args) => {
      log.sent += 1;
      try {
        return await next(args);
      } catch (error) {
        if (!isAnsweredRefusal(error)) log.unclear.push(error);
        throw error;
      }
    },
    { step: 'deserialize', priority: 'high', name: 'quarryRecordLaunchAttempts' },
  );
  return log;
}

/**
 * Whether EC2 answered with an error that means nothing was launched: any 4xx, or a 5xx that names a
 * refusal (throttling, insufficient capacity). No answer at all (timeout, reset connection) and generic
 * server failures (`InternalError`, `Unavailable`) leave it open whether the instance was launched.
 */
function isAnsweredRefusal(error: unknown): boolean {
  const { status, code } = describeEc2Error(error);
  if (status === undefined) return false;
  if (status < 500) return true;
  return throttlingCodes.has(code) || code.startsWith('Insufficient');
}

/** Where the instance may be and what was made for it, for {@link mayHaveLaunchedError}. */
export interface UnclearLaunch {
  region: string;
  clientToken: string;
  groupId: string | undefined;
}

/**
 * The error for a RunInstances call that may have launched the instance. The security group is kept
 * (a launched instance uses it), and the message gives the client token and the command that finds the
 * instance, because running Quarry again would use a new token and could launch a second one.
 */
export function mayHaveLaunchedError(error: unknown, launch: UnclearLaunch): UpstreamError {
  const { region, clientToken, groupId } = launch;
  const details = describeEc2Error(error);
  const check = `aws ec2 describe-instances --region ${region} --filters Name=client-token,Values=${clientToken}`;
  const group =
    groupId === undefined
      ? ''
      : ` The security group ${groupId} was kept for it; if no instance was launched, delete it with aws ec2 delete-security-group --region ${region} --group-id ${groupId}.`;
  return new UpstreamError(
    `EC2 RunInstances got no clear answer in ${region} (${details.code}${details.message ? `: ${details.message}` : ''}): the instance may have been launched (ClientToken ${clientToken}). Check with: ${check}.${group}`,
    {
      cause: new Error(`${details.code}: ${details.message}`),
      hint: 'Check for the instance before running Quarry again: a new run uses a new client token and could launch a second instance.',
    },
  );
}
