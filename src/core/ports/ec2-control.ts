/** A CPU architecture an instance type runs and an image is built for. */
export type Ec2Architecture = 'x86_64' | 'arm64';

/** What the region says about one instance type (`DescribeInstanceTypes`). */
export interface InstanceTypeFacts {
  instanceType: string;
  vcpus: number;
  memoryGiB: number;
  architectures: Ec2Architecture[];
}

/** One inbound rule of the security group made for the instance. */
export interface IngressPermission {
  protocol: 'tcp' | 'udp' | 'icmp';
  /** For ICMP, the type (-1 for all). */
  fromPort: number;
  /** For ICMP, the code (-1 for all). */
  toPort: number;
  /** An IPv4 (`203.0.113.0/24`) or IPv6 (`2001:db8::/32`) range. */
  cidr: string;
  description: string;
}

/** A key and value put on the instance, its volume and its security group. */
export interface ResourceTag {
  key: string;
  value: string;
}

/** Everything needed to launch one instance: a checked plan, in plain Quarry terms (no SDK types). */
export interface LaunchRequest {
  /** `ami-…`, or `resolve:ssm:<public parameter>` which RunInstances resolves itself. */
  imageId: string;
  instanceType: string;
  keyPairName?: string;
  rootVolume: {
    /** The image's root device (`/dev/xvda` for Amazon Linux, `/dev/sda1` for Ubuntu). */
    deviceName: string;
    sizeGiB: number;
    volumeType: 'gp3' | 'gp2';
    encrypted: boolean;
    deleteOnTermination: boolean;
  };
  terminationProtection: boolean;
  /** A security group to create for the instance; absent means the VPC's default group. */
  securityGroup?: { name: string; description: string; ingress: IngressPermission[] };
  tags: ResourceTag[];
  /** The script as text; the adapter encodes it (base64) for the API. */
  userData?: string;
}

/** The outcome of one `DryRun` call. */
export interface DryRunCheck {
  action: 'CreateSecurityGroup' | 'RunInstances';
  /**
   * `allowed`: EC2 answered `DryRunOperation` (the call would have succeeded). `unauthorized`: the
   * credentials may not make the call (`UnauthorizedOperation`). `invalid`: a parameter was refused
   * (an unknown key pair, an image the account cannot use, …). `error`: no answer either way.
   */
  outcome: 'allowed' | 'unauthorized' | 'invalid' | 'error';
  /** EC2's error code, e.g. `DryRunOperation`. */
  code: string;
  /** One line, with nothing secret (the encoded authorization message is left out, never decoded). */
  message: string;
}

/** What a launch made. */
export interface LaunchResult {
  instanceId: string;
  /** The group created for the instance, when the request asked for one. */
  securityGroupId?: string;
}

/**
 * Controls EC2 in one region with one set of credentials.
 *
 * Contract:
 * - `describeInstanceTypes` returns the facts of those of `instanceTypes` that the region offers (the
 *   others are left out, not an error), in any order.
 * - `dryRunLaunch` makes the calls a launch would make with `DryRun` set, and reports each one; it never
 *   creates anything. Creating the security group is checked on its own, and the instance without it,
 *   since the group does not exist yet. Only failures to ask at all (network, throttling) reject.
 * - `launch` creates the security group (when asked), authorizes its ingress rules and runs the
 *   instance, once: a retried RunInstances carries the same client token. When EC2 refuses a step after
 *   the group was created (an error answer, so nothing was launched), the group is deleted before the
 *   promise rejects, so nothing half-made is left behind; the error says whether that clean-up worked.
 *   When RunInstances gets no clear answer (a timeout, a dropped connection, a generic server error),
 *   the instance may exist: the group is kept, and the error says so, with the client token and the
 *   `aws ec2 describe-instances --filters Name=client-token,Values=<token>` command that finds it.
 * - Failures reject with a `QuarryError` (`UpstreamError`, or `RetryableError` when trying again may
 *   help) that names the EC2 error code and never contains credentials.
 */
export interface Ec2Control {
  readonly region: string;
  describeInstanceTypes(instanceTypes: readonly string[]): Promise<InstanceTypeFacts[]>;
  dryRunLaunch(request: LaunchRequest): Promise<DryRunCheck[]>;
  launch(request: LaunchRequest): Promise<LaunchResult>;
}
