import type { LaunchRequest } from '../../core/ports/ec2-control.ts';
import { type LaunchPlan, nameTagOf } from './launch-plan.ts';

/**
 * The launch request for a checked plan. The security group is only made when there are ingress
 * rules; its name carries the `Name` tag and a timestamp, so repeated launches do not collide.
 */
export function launchRequestFor(plan: LaunchPlan, createdAt: Date): LaunchRequest {
  const name = nameTagOf(plan) ?? 'instance';
  const request: LaunchRequest = {
    imageId: plan.image.imageId,
    instanceType: plan.instanceType.name,
    rootVolume: {
      deviceName: plan.image.rootDeviceName,
      sizeGiB: plan.rootVolume.sizeGiB,
      volumeType: plan.rootVolume.volumeType,
      encrypted: true,
      deleteOnTermination: true,
    },
    terminationProtection: plan.terminationProtection,
    tags: plan.tags,
  };
  if (plan.keyPairName !== undefined) request.keyPairName = plan.keyPairName;
  if (plan.userData !== undefined) request.userData = plan.userData;
  if (plan.ingressRules.length > 0) {
    request.securityGroup = {
      name: `quarry-${slug(name)}-${timestamp(createdAt)}`,
      description: `Quarry: inbound rules for ${name}`.replace(/[^a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]/g, ' '),
      ingress: plan.ingressRules,
    };
  }
  return request;
}

function slug(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cleaned.slice(0, 60) || 'instance';
}

/** `20250501T080000Z`: UTC, sortable, and allowed in a group name. */
function timestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}
