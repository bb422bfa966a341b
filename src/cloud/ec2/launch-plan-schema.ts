import { z } from 'zod';

/** Root volume types a plan may use (io1/io2 would also need provisioned IOPS, which plans leave out). */
export const volumeTypes = ['gp3', 'gp2'] as const;

/** Protocols of ingress rules. "All traffic" (`-1`) is not offered: a plan opens what it needs. */
export const ingressProtocols = ['tcp', 'udp', 'icmp'] as const;

/**
 * The schema the model fills (AI SDK structured output). Optional fields are nullable rather than
 * absent, as strict JSON-schema modes (OpenAI's) require every property to be listed.
 */
export function launchPlanSchema(allowedTypes: readonly [string, ...string[]]) {
  return z.object({
    instanceType: z.enum(allowedTypes).describe('one of the allowed instance types'),
    image: z.string().describe('an image alias from the list, or an ami-… id the request names'),
    rootVolumeSizeGiB: z.number().int().min(8).max(16384).describe('root volume size in GiB'),
    rootVolumeType: z.enum(volumeTypes),
    terminationProtection: z.boolean().describe('true protects the instance from termination'),
    keyPairName: z.string().nullable().describe('an existing EC2 key pair name, or null'),
    ingressRules: z.array(
      z.object({
        protocol: z.enum(ingressProtocols),
        fromPort: z.number().int(),
        toPort: z.number().int(),
        cidr: z.string().describe('source range, e.g. 0.0.0.0/0, ::/0 or 203.0.113.7/32'),
        description: z.string(),
      }),
    ),
    tags: z.array(z.object({ key: z.string(), value: z.string() })),
    userData: z.string().nullable().describe('a shell script run at first boot, or null'),
    reasoning: z.string().describe('why this size and these settings'),
    assumptions: z.array(z.string()).describe('what was assumed where the request was silent'),
  });
}

/**
 * How replies are read: the same fields, looser (any instance type, protocol or number), so that a plan
 * breaking a rule reaches the guard rails, which name the rule and the nearest allowed choice.
 */
export const draftPlanSchema = z.object({
  instanceType: z.string(),
  image: z.string(),
  rootVolumeSizeGiB: z.number(),
  rootVolumeType: z.string().default('gp3'),
  terminationProtection: z.boolean(),
  keyPairName: z.string().nullish(),
  ingressRules: z
    .array(
      z.object({
        protocol: z.string(),
        fromPort: z.number(),
        toPort: z.number(),
        cidr: z.string(),
        description: z.string().nullish(),
      }),
    )
    .default([]),
  tags: z.array(z.object({ key: z.string(), value: z.string() })).default([]),
  userData: z.string().nullish(),
  reasoning: z.string().default(''),
  assumptions: z.array(z.string()).default([]),
});

/** A plan as the model wrote it, before the guard rails. */
export type DraftPlan = z.infer<typeof draftPlanSchema>;

/** The reply read as a draft plan, or why it is not one. */
export type DraftReading = { draft: DraftPlan } | { problem: string };

/**
 * Reads a reply as a draft plan. Models often wrap JSON in a Markdown fence or a sentence; the outermost
 * `{…}` is taken. The problem text is for the error message: short and without the whole reply.
 */
export function readDraftPlan(text: string): DraftReading {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end < start) return { problem: 'the reply holds no JSON object' };
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch {
    return { problem: 'the reply is not valid JSON' };
  }
  const parsed = draftPlanSchema.safeParse(value);
  if (parsed.success) return { draft: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { problem: `the JSON does not fit the plan schema (${issues.join('; ')})` };
}
