import type { CreateScheduleCommandInput } from '@aws-sdk/client-scheduler';
import { ValidationError } from '../../core/errors/index.ts';
import { assertRecurringJob, type RecurringJobDescription } from '../../core/ports/scheduler.ts';

/** Where an EventBridge schedule sends each run: a Step Functions state machine, and the role to do it. */
export interface EventBridgeScheduleTarget {
  /** The state machine each run starts (`arn:aws:states:<region>:<account>:stateMachine:<name>`). */
  stateMachineArn: string;
  /** The role EventBridge Scheduler assumes to call `states:StartExecution` on it. */
  roleArn: string;
  /** The schedule group; EventBridge's `default` group when absent. */
  groupName?: string;
  /** Shown in the console; defaults to a sentence naming the job and its interval. */
  description?: string;
}

const stateMachineArnPattern = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
const roleArnPattern = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const groupNamePattern = /^[0-9A-Za-z_.-]{1,64}$/;

/**
 * Describes a recurring job as the input of EventBridge Scheduler's `CreateSchedule`, for a CDK app or a
 * deploy script to create (this runs no timer and calls no AWS API): `rate(N minutes)`, no flexible time
 * window (runs start on time, as the in-process timer's do), and a target that starts the state machine
 * with the job's input as the execution's JSON input. An event EventBridge could not deliver is retried
 * for at most one interval, since the next run comes then anyway.
 */
export function describeEventBridgeSchedule(
  job: RecurringJobDescription,
  target: EventBridgeScheduleTarget,
): CreateScheduleCommandInput {
  assertRecurringJob(job);
  assertTarget(target);
  const intervalSeconds = job.everyMinutes * 60;
  return {
    Name: job.name,
    ...(target.groupName === undefined ? {} : { GroupName: target.groupName }),
    ScheduleExpression: rateExpression(job.everyMinutes),
    FlexibleTimeWindow: { Mode: 'OFF' },
    State: 'ENABLED',
    Description:
      target.description ??
      `Quarry: starts ${job.name} every ${job.everyMinutes} minute(s) (managed by Quarry).`,
    Target: {
      Arn: target.stateMachineArn,
      RoleArn: target.roleArn,
      Input: JSON.stringify(job.input),
      // EventBridge allows 60 s to 24 h; its default (24 h, 185 attempts) would overlap many later runs.
      RetryPolicy: {
        MaximumEventAgeInSeconds: Math.min(Math.max(intervalSeconds, 60), 86_400),
        MaximumRetryAttempts: 3,
      },
    },
  };
}

/** `rate(1 minute)`, `rate(15 minutes)`: EventBridge wants the singular unit for 1. */
function rateExpression(minutes: number): string {
  return `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
}

function assertTarget(target: EventBridgeScheduleTarget): void {
  if (!stateMachineArnPattern.test(target.stateMachineArn)) {
    throw new ValidationError(
      `The schedule target ${JSON.stringify(target.stateMachineArn)} is not a Step Functions state machine ARN.`,
      { hint: 'Expected arn:aws:states:<region>:<account>:stateMachine:<name>.' },
    );
  }
  if (!roleArnPattern.test(target.roleArn)) {
    throw new ValidationError(`The schedule role ${JSON.stringify(target.roleArn)} is not an IAM role ARN.`, {
      hint: 'Expected arn:aws:iam::<account>:role/<name>, a role EventBridge Scheduler may assume.',
    });
  }
  if (target.groupName !== undefined && !groupNamePattern.test(target.groupName)) {
    throw new ValidationError(
      `The schedule group ${JSON.stringify(target.groupName)} is not valid: expected 1 to 64 letters, digits, "-", "_" or ".".`,
    );
  }
}
