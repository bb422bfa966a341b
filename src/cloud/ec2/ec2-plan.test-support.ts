/**
 * Test support for EC2 planning: the model's answer to the Minecraft request, and settings for the
 * guard rails. Not imported by production code.
 */
import type { GuardRailSettings } from './guard-rails.ts';
import { instanceCatalog } from './instance-catalog.ts';
import { instanceChoices } from './instance-choices.ts';
import type { DraftPlan } from './launch-plan-schema.ts';

/** The request. */
export const minecraftRequest =
  'a Minecraft Bedrock server for up to 25 concurrent players, balance performance and cost, 1/4 TB of storage, easy to get rid of';

/** A sensible answer to {@link minecraftRequest}, as a model would write it. */
export function minecraftAnswer(overrides: Partial<DraftPlan> = {}): DraftPlan {
  return {
    instanceType: 't3.medium',
    image: 'al2023-x86_64',
    rootVolumeSizeGiB: 250,
    rootVolumeType: 'gp3',
    terminationProtection: false,
    keyPairName: null,
    ingressRules: [
      {
        protocol: 'udp',
        fromPort: 19132,
        toPort: 19132,
        cidr: '0.0.0.0/0',
        description: 'Minecraft Bedrock IPv4',
      },
      {
        protocol: 'udp',
        fromPort: 19133,
        toPort: 19133,
        cidr: '::/0',
        description: 'Minecraft Bedrock IPv6',
      },
    ],
    tags: [
      { key: 'Name', value: 'minecraft-bedrock' },
      { key: 'purpose', value: 'game server' },
    ],
    userData: "#!/bin/bash\ndnf install -y unzip\necho 'server ready'\n",
    reasoning:
      'Bedrock Dedicated Server for 25 players needs about 3 GiB and 2 cores; t3.medium fits at the lowest cost.',
    assumptions: ['1/4 TB means 250 GiB', 'No SSH access is needed'],
    ...overrides,
  };
}

/** The answer as the JSON text a model sends. */
export function minecraftReply(overrides: Partial<DraftPlan> = {}): string {
  return JSON.stringify(minecraftAnswer(overrides));
}

/** Guard-rail settings over the whole bundled catalog in us-east-1. */
export function catalogSettings(overrides: Partial<GuardRailSettings> = {}): GuardRailSettings {
  return {
    choices: instanceChoices(instanceCatalog, undefined),
    allowOpenAdminPorts: false,
    region: 'us-east-1',
    request: minecraftRequest,
    ...overrides,
  };
}
