import { Readable } from 'node:stream';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors/index.ts';
import { describeEventBridgeSchedule } from './eventbridge-schedule.ts';

const target = {
  stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:quarry-sync',
  roleArn: 'arn:aws:iam::123456789012:role/quarry-scheduler',
};
const syncJob = { name: 'quarry-sync', everyMinutes: 60, input: { force: false } };

/** Sends `input` through the real SDK client to a handler that records the HTTP request it would send. */
async function wireRequest(input: CreateScheduleCommandInput): Promise<{ path: string; body: unknown }> {
  let sent: { path: string; body: unknown } | undefined;
  const client = new SchedulerClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example-secret-key' },
    requestHandler: {
      handle: async (request: { path: string; body: string | Uint8Array }) => {
        sent = {
          path: request.path,
          body: JSON.parse(
            typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body),
          ),
        };
        const body = JSON.stringify({
          ScheduleArn: `arn:aws:scheduler:eu-west-1:123456789012:schedule/default/x`,
        });
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/json' },
            body: Readable.from([body]),
          },
        };
      },
    },
  });
  await client.send(new CreateScheduleCommand(input));
  if (!sent) throw new Error('the client sent nothing');
  return sent;
}

describe('describeEventBridgeSchedule', () => {
  it('describes a rate schedule that starts the state machine on time with the job input', () => {
    const described: CreateScheduleCommandInput = describeEventBridgeSchedule(syncJob, target);
    expect(described).toEqual({
      Name: 'quarry-sync',
      ScheduleExpression: 'rate(60 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Description: expect.stringContaining('quarry-sync'),
      Target: {
        Arn: target.stateMachineArn,
        RoleArn: target.roleArn,
        Input: '{"force":false}',
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
      },
    });
  });

  it('uses the singular unit for one minute and keeps the retry window within what EventBridge allows', () => {
    const everyMinute = describeEventBridgeSchedule({ ...syncJob, everyMinutes: 1 }, target);
    expect(everyMinute.ScheduleExpression).toBe('rate(1 minute)');
    expect(everyMinute.Target?.RetryPolicy?.MaximumEventAgeInSeconds).toBe(60);
    const weekly = describeEventBridgeSchedule({ ...syncJob, everyMinutes: 7 * 24 * 60 }, target);
    expect(weekly.ScheduleExpression).toBe('rate(10080 minutes)');
    expect(weekly.Target?.RetryPolicy?.MaximumEventAgeInSeconds).toBe(86_400);
  });

  it('is an input the SDK accepts and sends as CreateSchedule', async () => {
    const described = describeEventBridgeSchedule(
      { ...syncJob, input: { repoId: 'acme/demo', force: true } },
      { ...target, groupName: 'quarry', description: 'hourly sync' },
    );
    const sent = await wireRequest(described);
    expect(sent.path).toBe('/schedules/quarry-sync');
    expect(sent.body).toMatchObject({
      GroupName: 'quarry',
      ScheduleExpression: 'rate(60 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Description: 'hourly sync',
      Target: { Arn: target.stateMachineArn, Input: '{"repoId":"acme/demo","force":true}' },
    });
  });

  it('rejects a bad job or target with a ValidationError naming it', () => {
    const bad: Array<[Parameters<typeof describeEventBridgeSchedule>, RegExp]> = [
      [[{ ...syncJob, name: 'quarry sync' }, target], /job name "quarry sync"/],
      [[{ ...syncJob, everyMinutes: 0 }, target], /every whole number of minutes/],
      [
        [syncJob, { ...target, stateMachineArn: 'arn:aws:lambda:eu-west-1:123456789012:function:x' }],
        /state machine ARN/,
      ],
      [[syncJob, { ...target, roleArn: 'quarry-scheduler' }], /IAM role ARN/],
      [[syncJob, { ...target, groupName: '' }], /schedule group ""/],
    ];
    for (const [[job, badTarget], message] of bad) {
      expect(() => describeEventBridgeSchedule(job, badTarget)).toThrow(ValidationError);
      expect(() => describeEventBridgeSchedule(job, badTarget)).toThrow(message);
    }
  });
});
