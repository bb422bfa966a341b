import type { CreateSecurityGroupCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import type { DryRunCheck } from '../../core/ports/ec2-control.ts';
import { describeEc2Error, toEc2QuarryError, unauthorizedCodes } from './ec2-errors.ts';

/**
 * Sends a command with `DryRun` set and reads the answer: EC2 answers a call that would succeed with the
 * error `DryRunOperation`, one the credentials may not make with `UnauthorizedOperation`, and bad
 * parameters with their own codes. Throttling and network failures reject (they say nothing either way).
 */
export async function dryRunCheck(
  client: EC2Client,
  region: string,
  action: DryRunCheck['action'],
  command: CreateSecurityGroupCommand | RunInstancesCommand,
): Promise<DryRunCheck> {
  try {
    // The union is split so that each call picks its own overload of `send`.
    if (action === 'RunInstances') await client.send(command as RunInstancesCommand);
    else await client.send(command as CreateSecurityGroupCommand);
  } catch (error) {
    const details = describeEc2Error(error);
    if (details.code === 'DryRunOperation') {
      return { action, outcome: 'allowed', code: details.code, message: 'the call would have succeeded' };
    }
    if (details.retryable) throw toEc2QuarryError(error, `${action} (dry run)`, region);
    const outcome = unauthorizedCodes.has(details.code) ? 'unauthorized' : 'invalid';
    return { action, outcome, code: details.code, message: details.message };
  }
  // EC2 never answers a dry run with success; a stand-in that does has not checked anything.
  return {
    action,
    outcome: 'error',
    code: 'NoDryRunAnswer',
    message: 'EC2 answered without DryRunOperation',
  };
}
