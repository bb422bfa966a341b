import { DescribeInstanceTypesCommand, type EC2Client, type InstanceTypeInfo } from '@aws-sdk/client-ec2';
import type { Ec2Architecture, InstanceTypeFacts } from '../../core/ports/ec2-control.ts';
import { toEc2QuarryError } from './ec2-errors.ts';

/** Filter values per request, well under EC2's limit. */
const namesPerRequest = 50;

/**
 * The facts of those `instanceTypes` the region offers. A filter is used rather than the `InstanceTypes`
 * parameter, which fails the whole call when one type is not offered.
 */
export async function describeInstanceTypes(
  client: EC2Client,
  region: string,
  instanceTypes: readonly string[],
): Promise<InstanceTypeFacts[]> {
  const facts: InstanceTypeFacts[] = [];
  for (let start = 0; start < instanceTypes.length; start += namesPerRequest) {
    const names = instanceTypes.slice(start, start + namesPerRequest);
    let nextToken: string | undefined;
    do {
      const command = new DescribeInstanceTypesCommand({
        Filters: [{ Name: 'instance-type', Values: names }],
        MaxResults: 100,
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      });
      const output = await client.send(command).catch((error: unknown) => {
        throw toEc2QuarryError(error, 'DescribeInstanceTypes', region);
      });
      facts.push(...(output.InstanceTypes ?? []).flatMap(factsOf));
      nextToken = output.NextToken;
    } while (nextToken);
  }
  return facts;
}

function factsOf(info: InstanceTypeInfo): InstanceTypeFacts[] {
  const vcpus = info.VCpuInfo?.DefaultVCpus;
  const memoryMib = info.MemoryInfo?.SizeInMiB;
  if (!info.InstanceType || vcpus === undefined || memoryMib === undefined) return [];
  const architectures = (info.ProcessorInfo?.SupportedArchitectures ?? []).filter(
    (architecture): architecture is Ec2Architecture => architecture === 'x86_64' || architecture === 'arm64',
  );
  return [{ instanceType: info.InstanceType, vcpus, memoryGiB: memoryMib / 1024, architectures }];
}
