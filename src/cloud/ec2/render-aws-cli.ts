import type { IngressPermission, LaunchRequest, ResourceTag } from '../../core/ports/ec2-control.ts';
import { shellQuote } from './shell-quote.ts';

/** One AWS CLI command of a launch, with what it does. */
export interface CliCommand {
  purpose: string;
  command: string;
}

/** The shell variable the group id is kept in between the commands. */
const groupVariable = 'SECURITY_GROUP_ID';

/** Stands for `"$SECURITY_GROUP_ID"` among the words, the one word left unquoted for expansion. */
const groupReference = Symbol('group id');

type Word = string | typeof groupReference;

/**
 * The AWS CLI (v2) commands equivalent to launching `request` in `region`: create the security group and
 * authorize its rules (when the plan has rules), then run the instance. Every argument is quoted for a
 * POSIX shell; the group id travels in `$SECURITY_GROUP_ID`. The CLI base64-encodes `--user-data` itself.
 */
export function renderAwsCli(request: LaunchRequest, region: string): CliCommand[] {
  const commands: CliCommand[] = [];
  const group = request.securityGroup;
  if (group !== undefined) {
    commands.push({
      purpose: 'create the security group and keep its id',
      command: `${groupVariable}=$(${join([
        ...['aws', 'ec2', 'create-security-group', '--region', region],
        ...['--group-name', group.name, '--description', group.description],
        ...(request.tags.length === 0
          ? []
          : [
              '--tag-specifications',
              json([{ ResourceType: 'security-group', Tags: apiTags(request.tags) }]),
            ]),
        ...['--query', 'GroupId', '--output', 'text'],
      ])})`,
    });
    commands.push({
      purpose: 'open the inbound ports',
      command: join([
        ...['aws', 'ec2', 'authorize-security-group-ingress', '--region', region],
        '--group-id',
        groupReference,
        ...['--ip-permissions', json(group.ingress.map(ipPermission))],
      ]),
    });
  }
  commands.push({ purpose: 'launch the instance', command: runInstancesCommand(request, region) });
  return commands;
}

function runInstancesCommand(request: LaunchRequest, region: string): string {
  const { rootVolume } = request;
  const blockDevices = [
    {
      DeviceName: rootVolume.deviceName,
      Ebs: {
        VolumeSize: rootVolume.sizeGiB,
        VolumeType: rootVolume.volumeType,
        Encrypted: rootVolume.encrypted,
        DeleteOnTermination: rootVolume.deleteOnTermination,
      },
    },
  ];
  const tagSpecifications = ['instance', 'volume'].map((type) => ({
    ResourceType: type,
    Tags: apiTags(request.tags),
  }));
  return join([
    ...['aws', 'ec2', 'run-instances', '--region', region],
    ...['--image-id', request.imageId, '--instance-type', request.instanceType, '--count', '1'],
    ...(request.keyPairName === undefined ? [] : ['--key-name', request.keyPairName]),
    ...(request.securityGroup === undefined ? [] : (['--security-group-ids', groupReference] as Word[])),
    ...['--block-device-mappings', json(blockDevices)],
    request.terminationProtection ? '--disable-api-termination' : '--no-disable-api-termination',
    ...(request.tags.length === 0 ? [] : ['--tag-specifications', json(tagSpecifications)]),
    ...(request.userData === undefined ? [] : ['--user-data', request.userData]),
    ...['--query', 'Instances[0].InstanceId', '--output', 'text'],
  ]);
}

/** The rule in the API's (and the CLI's JSON) shape. */
function ipPermission(rule: IngressPermission): Record<string, unknown> {
  const range = rule.cidr.includes(':')
    ? { Ipv6Ranges: [{ CidrIpv6: rule.cidr, Description: rule.description }] }
    : { IpRanges: [{ CidrIp: rule.cidr, Description: rule.description }] };
  return { IpProtocol: rule.protocol, FromPort: rule.fromPort, ToPort: rule.toPort, ...range };
}

function apiTags(tags: readonly ResourceTag[]): Array<{ Key: string; Value: string }> {
  return tags.map((tag) => ({ Key: tag.key, Value: tag.value }));
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/** Quotes every word; the group reference stays an expandable `"$SECURITY_GROUP_ID"`. */
function join(words: Word[]): string {
  return words.map((word) => (word === groupReference ? `"$${groupVariable}"` : shellQuote(word))).join(' ');
}
