import { formatUsd } from '../cloud/ec2/estimate-cost.ts';
import type { Ec2PlanResult } from '../cloud/ec2/plan-ec2-launch.ts';
import type { LaunchResult } from '../core/ports/ec2-control.ts';
import { formatTable } from './format-table.ts';

/**
 * The plan for people: a settings table with the estimated monthly cost, the model's reasoning and
 * assumptions, the AWS CLI commands, the CloudFormation template and the dry-run line.
 */
export function formatEc2Plan(result: Ec2PlanResult): string {
  const sections = [
    `EC2 plan in ${result.region} (model ${result.model}${result.repairRounds > 0 ? ', corrected once by the guard rails' : ''})`,
    formatTable(['SETTING', 'VALUE'], settingRows(result)),
    `Reasoning: ${result.plan.reasoning || '(none given)'}`,
    result.plan.assumptions.length === 0
      ? 'Assumptions: none stated'
      : `Assumptions:\n${result.plan.assumptions.map((line) => `  - ${line}`).join('\n')}`,
    `AWS CLI (run in order in a POSIX shell):\n${result.commands
      .map((entry) => `# ${entry.purpose}\n${entry.command}`)
      .join('\n')}`,
    `CloudFormation:\n${result.cloudFormation.trimEnd()}`,
    result.dryRun.summary,
  ];
  return `${sections.join('\n\n')}\n`;
}

function settingRows(result: Ec2PlanResult): string[][] {
  const { plan, cost } = result;
  return [
    instanceRow(result),
    imageRow(result),
    volumeRow(result),
    ['Termination protection', plan.terminationProtection ? 'on' : 'off'],
    ['Key pair', plan.keyPairName ?? 'none'],
    ...ingressRows(result),
    ...multiline(
      'Tags',
      plan.tags.map((tag) => `${tag.key}=${tag.value}`),
      'none',
    ),
    userDataRow(result),
    costRow(result),
    ...cost.lines.map((line) => ['', `${formatUsd(line.monthlyUsd)} ${line.item} (${line.basis})`]),
    ...cost.notes.map((note) => ['', `note: ${note}`]),
  ];
}

/**
 * What `--apply` is about to launch, shown on standard error right before the question, so the answer is
 * given with the plan in view even when the full plan scrolled away: type, image, volume, ingress rules,
 * user data and cost.
 */
export function formatLaunchSummary(result: Ec2PlanResult): string {
  const rows = [
    instanceRow(result),
    imageRow(result),
    volumeRow(result),
    ...ingressRows(result),
    userDataRow(result),
    costRow(result),
  ];
  return `About to launch in ${result.region}:\n${formatTable(['SETTING', 'VALUE'], rows)}\n`;
}

function instanceRow({ plan }: Ec2PlanResult): string[] {
  const type = plan.instanceType;
  return [
    'Instance type',
    `${type.name} (${type.vcpus} vCPU, ${type.memoryGiB} GiB, ${type.architecture}${type.burstable ? ', burstable' : ''})`,
  ];
}

function imageRow({ plan }: Ec2PlanResult): string[] {
  return ['Image', `${plan.image.specifier}: ${plan.image.description} (${plan.image.imageId})`];
}

function volumeRow({ plan }: Ec2PlanResult): string[] {
  return [
    'Root volume',
    `${plan.rootVolume.sizeGiB} GiB ${plan.rootVolume.volumeType}, encrypted, deleted with the instance`,
  ];
}

function ingressRows({ plan }: Ec2PlanResult): string[][] {
  return multiline(
    'Ingress',
    plan.ingressRules.map(
      (rule) =>
        `${rule.protocol} ${rule.fromPort === rule.toPort ? rule.fromPort : `${rule.fromPort}-${rule.toPort}`} from ${rule.cidr}${rule.description ? ` (${rule.description})` : ''}`,
    ),
    'none (the VPC default security group)',
  );
}

function userDataRow({ plan }: Ec2PlanResult): string[] {
  if (plan.userData === undefined) return ['User data', 'none'];
  const lines = plan.userData.trimEnd().split('\n').length;
  return ['User data', `${lines} ${lines === 1 ? 'line' : 'lines'}`];
}

function costRow({ cost, region }: Ec2PlanResult): string[] {
  return [
    'Monthly cost',
    `${formatUsd(cost.monthlyUsd)} estimated (${cost.priceRegion} list prices${cost.borrowedPrices ? `, not ${region}'s` : ''})`,
  ];
}

function multiline(label: string, values: string[], empty: string): string[][] {
  if (values.length === 0) return [[label, empty]];
  return values.map((value, index) => [index === 0 ? label : '', value]);
}

/** The plan as one JSON object, with the launch when there was one. */
export function ec2PlanJson(result: Ec2PlanResult, launch: LaunchResult | undefined): string {
  return `${JSON.stringify({ ...result, launch: launch ?? null }, null, 2)}\n`;
}
