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
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs },
  });
}

async function launch(
  client: EC2Client,
  region: string,
  request: LaunchRequest,
  clientToken: string,
): Promise<LaunchResult> {
  let groupId: string | undefined;
  const group = request.securityGroup;
  if (group !== undefined) {
    groupId = await createGroup(client, region, group, request);
    try {
      await client.send(new AuthorizeSecurityGroupIngressCommand(authorizeInput(groupId, group.ingress)));
    } catch (error) {
      throw await failedAfterGroup(client, region, groupId, 'AuthorizeSecurityGroupIngress', error);
    }
  }
  try {
    const output = await client.send(
      new RunInstancesCommand(runInstancesInput(request, groupId, clientToken)),
    );
    const instanceId = output.Instances?.[0]?.InstanceId;
    if (!instanceId) throw new UpstreamError('EC2 RunInstances answered without an instance id.');
    return { instanceId, ...(groupId === undefined ? {} : { securityGroupId: groupId }) };
  } catch (error) {
    if (groupId === undefined) throw toEc2QuarryError(error, 'RunInstances', region);
    throw await failedAfterGroup(client, region, groupId, 'RunInstances', error);
  }
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
