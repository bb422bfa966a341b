import { ValidationError } from '../../core/errors/index.ts';
import type { Ec2Architecture } from '../../core/ports/ec2-control.ts';

/** A public image the model may name by a short alias. */
export interface ImageAlias {
  alias: string;
  description: string;
  /** The public SSM parameter holding the latest AMI id in every region. */
  ssmParameter: string;
  architecture: Ec2Architecture;
  /** The root device the image boots from; the root volume mapping must name it, or it adds a disk. */
  rootDeviceName: string;
}

/** An image as a plan uses it. */
export interface ResolvedImage {
  /** The alias or `ami-…` id the plan named. */
  specifier: string;
  /** What RunInstances gets: `resolve:ssm:<parameter>` or the `ami-…` id. */
  imageId: string;
  ssmParameter?: string;
  /** Unknown for an explicit `ami-…` id. */
  architecture?: Ec2Architecture;
  rootDeviceName: string;
  description: string;
}

const amazonLinux = '/aws/service/ami-amazon-linux-latest';
const ubuntu = '/aws/service/canonical/ubuntu/server';

/** The aliases, one line each: public SSM parameters published by AWS and Canonical. */
export const imageAliases: readonly ImageAlias[] = [
  alias(
    'al2023-x86_64',
    'Amazon Linux 2023',
    `${amazonLinux}/al2023-ami-kernel-default-x86_64`,
    'x86_64',
    '/dev/xvda',
  ),
  alias(
    'al2023-arm64',
    'Amazon Linux 2023',
    `${amazonLinux}/al2023-ami-kernel-default-arm64`,
    'arm64',
    '/dev/xvda',
  ),
  alias(
    'ubuntu-24.04-x86_64',
    'Ubuntu 24.04 LTS',
    `${ubuntu}/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id`,
    'x86_64',
    '/dev/sda1',
  ),
  alias(
    'ubuntu-24.04-arm64',
    'Ubuntu 24.04 LTS',
    `${ubuntu}/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id`,
    'arm64',
    '/dev/sda1',
  ),
  alias(
    'ubuntu-22.04-x86_64',
    'Ubuntu 22.04 LTS',
    `${ubuntu}/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id`,
    'x86_64',
    '/dev/sda1',
  ),
  alias(
    'ubuntu-22.04-arm64',
    'Ubuntu 22.04 LTS',
    `${ubuntu}/22.04/stable/current/arm64/hvm/ebs-gp2/ami-id`,
    'arm64',
    '/dev/sda1',
  ),
];

function alias(
  name: string,
  system: string,
  ssmParameter: string,
  architecture: Ec2Architecture,
  rootDeviceName: string,
): ImageAlias {
  return {
    alias: name,
    description: `${system} (${architecture})`,
    ssmParameter,
    architecture,
    rootDeviceName,
  };
}

const amiIdPattern = /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** Root device assumed for an explicit AMI id: the one Amazon Linux and most current images use. */
export const assumedRootDeviceName = '/dev/xvda';

/**
 * Resolves an alias (`al2023-x86_64`), its SSM form (`resolve:ssm:<parameter>` of an alias) or an
 * explicit `ami-…` id written in `request`. An AMI id the request does not name is refused: the model
 * could otherwise pick (or be talked by a crafted request into picking) any public image, which Quarry
 * cannot check. Anything else is a `ValidationError` listing the aliases.
 */
export function resolveImage(specifier: string, request: string): ResolvedImage {
  const text = specifier.trim();
  const known = imageAliases.find(
    (entry) => entry.alias === text.toLowerCase() || `resolve:ssm:${entry.ssmParameter}` === text,
  );
  if (known !== undefined) {
    return {
      specifier: known.alias,
      imageId: `resolve:ssm:${known.ssmParameter}`,
      ssmParameter: known.ssmParameter,
      architecture: known.architecture,
      rootDeviceName: known.rootDeviceName,
      description: known.description,
    };
  }
  const aliases = imageAliases.map((entry) => entry.alias).join(', ');
  if (!amiIdPattern.test(text)) {
    throw new ValidationError(
      `The image "${text}" is neither a known alias nor an AMI id. Known aliases: ${aliases}.`,
      { hint: 'Name one of the aliases, or an AMI id the request gives, such as ami-0123456789abcdef0.' },
    );
  }
  if (!amiIdsIn(request).includes(text)) {
    throw new ValidationError(
      `The image ${text} is an AMI id the request does not name; an explicit AMI id is only used when the request gives it. Known aliases: ${aliases}.`,
      { hint: 'Use one of the aliases, or write the AMI id in the request if that image is wanted.' },
    );
  }
  return {
    specifier: text,
    imageId: text,
    rootDeviceName: assumedRootDeviceName,
    description: 'explicit AMI',
  };
}

/** Every whole `ami-…` word in `text`, so `ami-01234567` does not match inside a longer id. */
function amiIdsIn(text: string): string[] {
  return text.match(/(?<![\w-])ami-[0-9a-zA-Z]+(?![\w-])/g) ?? [];
}
