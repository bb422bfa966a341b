import type { Command } from 'commander';
import type { CliIo } from '../cli-context.ts';
import { registerCloudCfnCommand } from './cloud-cfn.ts';
import { registerCloudEc2Command } from './cloud-ec2.ts';
import { registerCloudValidateCommand } from './cloud-validate.ts';

/** Registers `quarry cloud` and its subcommands: ec2, cfn, validate. */
export function registerCloudCommands(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  const cloud = program
    .command('cloud')
    .description('plain language to AWS: EC2 launch plans, CloudFormation generation and validation');
  registerCloudEc2Command(cloud, io, setExitCode);
  registerCloudCfnCommand(cloud, io, setExitCode);
  registerCloudValidateCommand(cloud, io, setExitCode);
}
