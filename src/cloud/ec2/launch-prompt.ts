import { adminPorts, databasePorts, type NamedPort } from '../exposed-services.ts';
import { internetPrefixBelow } from '../source-ranges.ts';
import { formatUsd, hoursPerMonth } from './estimate-cost.ts';
import { imageAliases } from './image-aliases.ts';
import type { InstanceTypeSpec } from './instance-catalog.ts';
import type { GuardRailViolation } from './launch-plan.ts';
import { rootVolumeBounds } from './resource-guard-rails.ts';

/** What the prompt is built from. */
export interface LaunchPromptInput {
  request: string;
  region: string;
  allowed: readonly InstanceTypeSpec[];
  allowOpenAdminPorts: boolean;
}

/** The system prompt: the job and the shape of the answer. */
export const launchSystemPrompt = [
  'You plan one Amazon EC2 instance for a plain-language request.',
  'Answer with one JSON object and nothing else (no Markdown fence, no prose around it).',
  'Pick the cheapest instance that runs the workload well; say why in "reasoning", and list in',
  '"assumptions" everything the request did not say that you had to decide.',
].join(' ');

const sizingGuidance = [
  'Sizing guidance:',
  '- Game servers: Minecraft Bedrock Dedicated Server needs about 1 GiB plus ~50-100 MiB per player and 1-2 busy cores; up to ~30 players fit 2 vCPU / 4 GiB (t3.medium class). It is published for x86_64 Linux only, and listens on UDP 19132 (IPv4) and 19133 (IPv6). Minecraft Java needs about twice the memory and TCP 25565.',
  '- Light or spiky load (small web sites, game servers with idle hours, dev boxes): burstable t3/t3a/t4g. Steady high CPU: m (general), c (compute) or r (memory) families.',
  '- arm64 (t4g, m7g, c7g, r7g) is ~20% cheaper, but only when all the software runs on arm64; the image must match the instance architecture.',
  '- Databases and caches: memory first (r family). Builds and encoding: c family.',
].join('\n');

const unitGuidance = [
  'Units: storage in requests is decimal and rounded to a clean figure in GiB: 1 TB = 1000 GiB, 1/4 TB = 250 GiB,',
  `1/2 TB = 500 GiB, 100 GB = 100 GiB. The root volume is ${rootVolumeBounds.minimumGiB}..${rootVolumeBounds.maximumGiB} GiB, gp3 unless asked otherwise.`,
].join(' ');

/** `SSH (22), Telnet (23), …`: short, the prompt repeats it. */
function portList(ports: readonly NamedPort[]): string {
  return ports.map(({ port, name }) => `${name} (${port})`).join(', ');
}

const adminPortList = portList(adminPorts);
const databasePortList = portList(databasePorts);

function safetyRules(allowOpenAdminPorts: boolean): string {
  return [
    'Rules (the plan is checked against them and refused if it breaks one):',
    '- instanceType must be one of the allowed types above.',
    '- Open only the ports the workload needs. Game and web ports may be open to 0.0.0.0/0 and ::/0.',
    allowOpenAdminPorts
      ? `- ${adminPortList} may be open to the internet only because the user allowed it; still prefer a narrow CIDR.`
      : `- Never open ${adminPortList} to the internet (0.0.0.0/0, ::/0, or any source wider than an IPv4 /${internetPrefixBelow.ipv4} or an IPv6 /${internetPrefixBelow.ipv6}, alone or added up over several rules): use a CIDR the user gave (e.g. 203.0.113.7/32), or leave them closed (SSM Session Manager needs no open port).`,
    `- Keep database ports (${databasePortList}) closed to the internet unless the user asks for a public database.`,
    '- terminationProtection: false when the user wants it easy to get rid of, temporary, disposable or a test; true when it must not be deleted by accident (production, important data); false when unsaid.',
    '- keyPairName: only a key pair the user named, else null.',
    '- tags: always a "Name" tag (short, lower-case, hyphenated); keys 1-128, values up to 256 characters of letters, digits, spaces and _ . : / = + - @; no "aws:" prefix.',
    '- userData: a short first-boot shell script when it helps set the workload up, else null.',
  ].join('\n');
}

const answerShape = `Answer shape (all keys required):
{"instanceType": "t3.small", "image": "al2023-x86_64", "rootVolumeSizeGiB": 30, "rootVolumeType": "gp3",
 "terminationProtection": false, "keyPairName": null,
 "ingressRules": [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidr": "0.0.0.0/0", "description": "HTTPS"}],
 "tags": [{"key": "Name", "value": "web-server"}], "userData": null,
 "reasoning": "…", "assumptions": ["…"]}
protocol is tcp, udp or icmp; cidr is an IPv4 or IPv6 range.`;

/** The user message: the request, the allowed types with size and price, the images, guidance and rules. */
export function buildLaunchPrompt(input: LaunchPromptInput): string {
  return [
    `Request: ${input.request}`,
    `Region: ${input.region}`,
    `Allowed instance types (vCPU, memory, architecture, on-demand Linux price; ${hoursPerMonth} h a month):\n${input.allowed.map(typeLine).join('\n')}`,
    `Images (use the alias in "image", or an ami- id only when the request names that id):\n${imageAliases
      .map((entry) => `${entry.alias}: ${entry.description}`)
      .join('\n')}`,
    sizingGuidance,
    unitGuidance,
    safetyRules(input.allowOpenAdminPorts),
    answerShape,
  ].join('\n\n');
}

function typeLine(spec: InstanceTypeSpec): string {
  const monthly = formatUsd(spec.pricePerHourUsd * hoursPerMonth);
  const kind = spec.burstable ? ', burstable' : '';
  return `${spec.name}: ${spec.vcpus} vCPU, ${spec.memoryGiB} GiB, ${spec.architecture}, $${spec.pricePerHourUsd}/h (~${monthly}/month)${kind}`;
}

/** The follow-up that asks for a corrected plan, naming each broken rule. */
export function buildRepairPrompt(violations: readonly GuardRailViolation[]): string {
  return [
    'Your plan breaks these rules:',
    ...violations.map((violation) => `- [${violation.rule}] ${violation.message}`),
    'Answer with the whole corrected plan as one JSON object of the same shape, changing only what the rules require.',
  ].join('\n');
}
