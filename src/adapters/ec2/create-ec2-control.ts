import { randomUUID } from 'node:crypto';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { UpstreamError } from '../../core/errors/index.ts';
import type { DryRunCheck, Ec2Control, LaunchRequest, LaunchResult } from '../../core/ports/ec2-control.ts';
import type { AwsCredentials } from './aws-credentials.ts';
import { describeInstanceTypes } from './describe-instance-types.ts';
import { dryRunCheck } from './dry-run-check.ts';
import { describeEc2Error, toEc2QuarryError } from './ec2-errors.ts';
import { authorizeInput, createGroupInput, runInstancesInput } from './ec2-launch-input.ts';
import { mayHaveLaunchedError, recordAttempts } from './launch-attempts.ts';

/** Options of {@link createEc2Control}. */
export interface Ec2ControlOptions {
  region: string;
  /** A stand-in endpoint (`AWS_ENDPOINT_URL_EC2`), e.g. `http://127.0.0.1:4566`. */
  endpoint?: string;
  credentials?: AwsCredentials;
  /** A ready client; when given, `endpoint`, `credentials` and `timeoutMs` are not used. */
  client?: EC2Client;
  /** Makes RunInstances client tokens. Default: random UUIDs. */
  createToken?: () => string;
  /** Per request attempt. Default 15 000. */
  timeoutMs?: number;
}

/** An `Ec2Control` on `@aws-sdk/client-ec2`; see the port's doc comment for the contract. */
export function createEc2Control(options: Ec2ControlOptions): Ec2Control {
  const { region } = options;
  const client = options.client ?? createClient(options);
  const createToken = options.createToken ?? randomUUID;
  return {
    region,
    describeInstanceTypes: (instanceTypes) => describeInstanceTypes(client, region, instanceTypes),
    async dryRunLaunch(request: LaunchRequest): Promise<DryRunCheck[]> {
      const checks: DryRunCheck[] = [];
      const group = request.securityGroup;
      if (group !== undefined) {
        const command = new CreateSecurityGroupCommand({
          ...createGroupInput(group, request.tags),
          DryRun: true,
        });
        checks.push(await dryRunCheck(client, region, 'CreateSecurityGroup', command));
      }
      // The group does not exist yet, so the instance is checked without it.
      const run = new RunInstancesCommand({
        ...runInstancesInput(request, undefined, undefined),
        DryRun: true,
      });
      checks.push(await dryRunCheck(client, region, 'RunInstances', run));
      return checks;
    },
    launch: (request) => launch(client, region, request, createToken()),
  };
}

function createClient(options: Ec2ControlOptions): EC2Client {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new EC2Client({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    // Without throwOnRequestTimeout the handler only logs a warning when requestTimeout passes, and a call
    // EC2 never answers waits forever.
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, throwOnRequestTimeout: true },
  });
}

async function launch(
  client: EC2Client,
  region: string,
  request: LaunchRequest,
  clientToken: string,
): Promise<LaunchResult> {
  const group = request.securityGroup;
  const groupId =
    group === undefined ? undefined : await createAuthorizedGroup(client, region, group, request);
  const command = new RunInstancesCommand(runInstancesInput(request, groupId, clientToken));
  const attempts = recordAttempts(command);
  let instanceId: string | undefined;
  try {
    instanceId = (await client.send(command)).Instances?.[0]?.InstanceId;
  } catch (error) {
    if (attempts.unclear.length > 0) throw mayHaveLaunchedError(error, { region, clientToken, groupId });
    // Every attempt was refused by EC2 (or none was sent): nothing was launched, so the group can go.
    if (groupId === undefined) throw toEc2QuarryError(error, 'RunInstances', region);
    throw await failedAfterGroup(client, region, groupId, 'RunInstances', error);
  }
  if (!instanceId) {
    // EC2 accepted the call, so an instance probably exists: keep the group and say how to find it.
    const error = Object.assign(new Error('the answer held no instance id'), { name: 'MissingInstanceId' });
    throw mayHaveLaunchedError(error, { region, clientToken, groupId });
  }
  return { instanceId, ...(groupId === undefined ? {} : { securityGroupId: groupId }) };
}

/** Creates the group and authorizes its rules; when the rules are refused, deletes the group again. */
async function createAuthorizedGroup(
  client: EC2Client,
  region: string,
  group: NonNullable<LaunchRequest['securityGroup']>,
  request: LaunchRequest,
): Promise<string> {
  const groupId = await createGroup(client, region, group, request);
  try {
    await client.send(new AuthorizeSecurityGroupIngressCommand(authorizeInput(groupId, group.ingress)));
  } catch (error) {
    throw await failedAfterGroup(client, region, groupId, 'AuthorizeSecurityGroupIngress', error);
  }
  return groupId;
}

async function createGroup(
  client: EC2Client,
  region: string,
  group: NonNullable<LaunchRequest['securityGroup']>,
  request: LaunchRequest,
): Promise<string> {
  try {
    const output = await client.send(new CreateSecurityGroupCommand(createGroupInput(group, request.tags)));
    if (!output.GroupId) throw new UpstreamError('EC2 CreateSecurityGroup answered without a group id.');
    return output.GroupId;
  } catch (error) {
    throw toEc2QuarryError(error, 'CreateSecurityGroup', region);
  }
}

/** Deletes the group made for a launch that then failed, and says in the error whether that worked. */
async function failedAfterGroup(
  client: EC2Client,
  region: string,
  groupId: string,
  action: string,
  error: unknown,
): Promise<UpstreamError> {
  const failure = toEc2QuarryError(error, action, region);
  let cleanUp: string;
  try {
    await client.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    cleanUp = `The security group ${groupId} made for it was deleted; nothing was left behind.`;
  } catch (deleteError) {
    const details = describeEc2Error(deleteError);
    cleanUp = `The security group ${groupId} made for it could not be deleted (${details.code}): delete it with aws ec2 delete-security-group --region ${region} --group-id ${groupId}.`;
  }
  return new UpstreamError(`${failure.message} ${cleanUp}`, {
    cause: failure,
    ...(failure.hint === undefined ? {} : { hint: failure.hint }),
  });
}
