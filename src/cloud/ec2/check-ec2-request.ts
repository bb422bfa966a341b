import { ValidationError } from '../../core/errors/index.ts';
import { checkAllowedTypes } from './instance-choices.ts';

/** What the user asks for: the request and the options that bound the plan. */
export interface Ec2PlanRequest {
  /** The plain-language request, e.g. "a Minecraft Bedrock server for 25 players". */
  request: string;
  region: string;
  /** `--allow-types`: the only instance types the plan may use. */
  allowTypes?: readonly string[];
  /** `--allow-open-admin-ports`: remote-administration ports (SSH, RDP, …) may be open to the internet. */
  allowOpenAdminPorts: boolean;
  abortSignal?: AbortSignal;
}

/** A request that passed {@link checkEc2Request}. */
export interface CheckedEc2Request {
  request: string;
  region: string;
  allowTypes?: string[];
  allowOpenAdminPorts: boolean;
}

/** `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-5`. */
const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** Long enough for a detailed request; a request longer than this is probably a pasted file. */
const maxRequestLength = 4000;

/**
 * The checks that need no model and no AWS call: a request that is not empty or huge, a region name of
 * the right shape, and `--allow-types` entries from the catalog. The CLI runs it before loading a
 * model, so a typo never waits for one.
 */
export function checkEc2Request(input: Ec2PlanRequest): CheckedEc2Request {
  const request = input.request.trim();
  if (request === '') {
    throw new ValidationError('The request is empty: there is nothing to plan.', {
      hint: 'Describe the server, e.g. quarry cloud ec2 "a small web server for a static site".',
    });
  }
  if (request.length > maxRequestLength) {
    throw new ValidationError(
      `The request is ${request.length} characters; at most ${maxRequestLength} are accepted.`,
      {
        hint: 'Describe the server in a few sentences.',
      },
    );
  }
  const region = input.region.trim();
  if (!regionPattern.test(region)) {
    throw new ValidationError(`"${region}" is not an AWS region name.`, {
      hint: 'Use a region code such as us-east-1 or eu-west-2 (--region, aws.region or AWS_REGION).',
    });
  }
  return {
    request,
    region,
    allowOpenAdminPorts: input.allowOpenAdminPorts,
    ...(input.allowTypes === undefined ? {} : { allowTypes: checkAllowedTypes(input.allowTypes) }),
  };
}
