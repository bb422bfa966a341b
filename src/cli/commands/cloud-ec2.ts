import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { Services } from '../../app/create-services.ts';
import { openEc2Control } from '../../app/open-adapters.ts';
import {
  applyEc2Launch,
  checkConsentPossible,
  type LaunchConsent,
} from '../../cloud/ec2/apply-ec2-launch.ts';
import { type CheckedEc2Request, checkEc2Request } from '../../cloud/ec2/check-ec2-request.ts';
import { type Ec2PlanResult, planEc2Launch } from '../../cloud/ec2/plan-ec2-launch.ts';
import { ValidationError } from '../../core/errors/index.ts';
import type { Ec2Control } from '../../core/ports/ec2-control.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { exitCodes } from '../exit-codes.ts';
import { ec2PlanJson, formatEc2Plan, formatLaunchSummary } from '../format-ec2-plan.ts';
import { openRequiredModel } from '../open-language-model.ts';

interface CloudEc2Options {
  model?: string;
  region?: string;
  json?: boolean;
  apply?: boolean;
  yes?: boolean;
  allowTypes?: string;
  allowOpenAdminPorts?: boolean;
}

/** The region when neither `--region`, `aws.region` nor `AWS_REGION` names one. */
const defaultRegion = 'us-east-1';

/** Registers `quarry cloud ec2` on the `cloud` command. */
export function registerCloudEc2Command(
  cloud: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  cloud
    .command('ec2')
    .description(
      'plan an EC2 instance from a plain-language request: a priced plan, AWS CLI commands and CloudFormation; a dry run with AWS credentials; a launch only with --apply',
    )
    .argument('<request>', 'what the server is for, e.g. "a Minecraft Bedrock server for 25 players"')
    .option('--model <name>', 'a models.entries name or provider:model-id (default: models.default)')
    .option('--region <region>', `AWS region (default: aws.region, then AWS_REGION, then ${defaultRegion})`)
    .option('--json', 'print the plan, cost, commands, template, warnings and dry run as one JSON object')
    .option(
      '--apply',
      'launch the instance after a passing dry run (asks for confirmation; with --json, needs --yes)',
    )
    .option('--yes', 'with --apply: confirm without asking (for scripts)')
    .option(
      '--allow-types <types>',
      'comma-separated instance types the plan may use, e.g. t3.small,t3.medium',
    )
    .option(
      '--allow-open-admin-ports',
      'allow SSH, Telnet, RDP, VNC and WinRM open to the internet (a source wider than an IPv4 /16 or an IPv6 /32)',
    )
    .action(async (request: string, options: CloudEc2Options, command: Command) => {
      // Checked before the configuration and the model are loaded, so a typo costs nothing.
      checkOptions(request, options, options.region ?? defaultRegion);
      await withServices(command, io, (services) => cloudEc2(services, io, request, options, setExitCode));
    });
}

function checkOptions(request: string, options: CloudEc2Options, region: string): CheckedEc2Request {
  if (options.yes && !options.apply) {
    throw new ValidationError('--yes only confirms --apply, which is not given.', {
      hint: 'Add --apply to launch the instance, or leave out --yes to only plan.',
    });
  }
  // JSON output is for programs: there is no plan on the terminal to confirm, so the question is refused.
  if (options.apply && options.json && !options.yes) {
    throw new ValidationError(
      '--apply with --json needs --yes: the plan is not shown before the question in JSON output.',
      {
        hint: 'Review the plan first (without --apply, or without --json and answer the question), then run --apply --json --yes.',
      },
    );
  }
  return checkEc2Request({
    request,
    region,
    allowOpenAdminPorts: options.allowOpenAdminPorts === true,
    ...(options.allowTypes === undefined ? {} : { allowTypes: options.allowTypes.split(',') }),
  });
}

async function cloudEc2(
  services: Services,
  io: CliIo,
  requestText: string,
  options: CloudEc2Options,
  setExitCode: (code: number) => void,
): Promise<void> {
  const region = options.region ?? services.config.aws.region ?? io.environment.AWS_REGION ?? defaultRegion;
  const checked = checkOptions(requestText, options, region);
  const consent = consentFor(io, options);
  const control = await controlForRun(services, checked.region, options, consent);
  const runtime = await openRequiredModel(services, io, options.model);
  try {
    const dependencies = {
      runtime: runtime,
      clock: () => new Date(),
      ...(control ? { control } : {}),
    };
    const result = await planEc2Launch(dependencies, checked);
    if (!options.json) {
      io.stdout(formatEc2Plan(result));
      for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`);
    }
    const launch = options.apply
      ? await applyEc2Launch(control, result, withSummary(consent, io, result))
      : undefined;
    if (options.json) io.stdout(ec2PlanJson(result, launch));
    if (options.apply && launch === undefined) {
      io.stderr('Not launched: the answer was not yes.\n');
      setExitCode(exitCodes.someWorkFailed);
    } else if (launch !== undefined && !options.json) {
      const group = launch.securityGroupId ? ` with security group ${launch.securityGroupId}` : '';
      io.stdout(`Launched ${launch.instanceId}${group} in ${result.region}.\n`);
    }
  } finally {
    await runtime.close();
  }
}

/**
 * EC2 for this run, or undefined without credentials. With `--apply`, refuses up front (before the
 * model is loaded) what could never launch: no way to confirm, or no credentials.
 */
async function controlForRun(
  services: Services,
  region: string,
  options: CloudEc2Options,
  consent: LaunchConsent,
): Promise<Ec2Control | undefined> {
  if (options.apply) checkConsentPossible(consent);
  const control = await openEc2Control(services, region);
  if (options.apply && control === undefined) {
    throw new ValidationError('--apply needs AWS credentials, and none were found.', {
      hint: 'Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or leave out --apply to only plan.',
    });
  }
  return control;
}

/** The consent, its question preceded on standard error by a summary of what is launched. */
function withSummary(consent: LaunchConsent, io: CliIo, result: Ec2PlanResult): LaunchConsent {
  const { ask } = consent;
  if (ask === undefined) return consent;
  return {
    ...consent,
    ask: (question) => {
      io.stderr(formatLaunchSummary(result));
      return ask(question);
    },
  };
}

/** `--yes`, or a question on the terminal when there is one to ask on. */
function consentFor(io: CliIo, options: CloudEc2Options): LaunchConsent {
  const stdin = io.stdin;
  if (options.yes || !io.interactive || stdin === undefined) return { yes: options.yes === true };
  return {
    yes: false,
    ask: async (question) => {
      io.stderr(question);
      const lines = createInterface({ input: stdin, terminal: false });
      try {
        for await (const line of lines) return line;
        return undefined;
      } finally {
        lines.close();
      }
    },
  };
}
