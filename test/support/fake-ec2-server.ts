import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './http-body.ts';

/** One request received by the fake, whatever the answer was. */
export interface FakeEc2Request {
  action: string;
  /** The form fields, e.g. `{ InstanceType: 't3.medium', 'TagSpecification.1.ResourceType': 'instance' }`. */
  params: Record<string, string>;
  dryRun: boolean;
}

/** An instance type the fake region offers. */
export interface FakeInstanceType {
  instanceType: string;
  vcpus: number;
  memoryMiB: number;
  architecture: 'x86_64' | 'arm64';
}

/** Options of {@link startFakeEc2Server}. */
export interface FakeEc2Options {
  /** Types the region offers; default {@link defaultFakeInstanceTypes}. */
  instanceTypes?: FakeInstanceType[];
  /**
   * At most this many DescribeInstanceTypes results per page (fewer when `MaxResults` asks), the rest
   * behind a `NextToken`, as EC2 pages. Default: every result on one page, unless `MaxResults` limits it.
   */
  pageSize?: number;
}

/** A running fake; see {@link startFakeEc2Server}. */
export interface FakeEc2Server {
  /** `http://127.0.0.1:<port>`, for the EC2 client's `endpoint` or `AWS_ENDPOINT_URL_EC2`. */
  endpoint: string;
  requests: FakeEc2Request[];
  /** Security groups that exist now, by id. */
  securityGroups: Map<string, { name: string; description: string; ingress: number }>;
  /** Instances launched (real launches only), with the parameters they were launched with. */
  instances: Array<{ instanceId: string; params: Record<string, string> }>;
  /** Group ids deleted with DeleteSecurityGroup. */
  deletedGroups: string[];
  /** The next `times` real (not dry-run) calls of `action` fail with `code` and `status`. */
  failNext(action: string, code: string, status?: number, times?: number): void;
  /** Dry runs of these actions answer `UnauthorizedOperation`, as for credentials without the permission. */
  denyDryRun(actions: string[]): void;
  /**
   * The next `times` real calls of `action` do their work and never answer, as when the network drops
   * the response: the client times out not knowing whether the call took effect.
   */
  hangNext(action: string, times?: number): void;
  /** Forgets recorded requests, state, injected failures and denials. */
  reset(): void;
  close(): Promise<void>;
}

const xmlNamespace = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const apiVersion = '2016-11-15';

/** A region offering the burstable and current m/c/r families, large..4xlarge (t: micro..2xlarge). */
export const defaultFakeInstanceTypes: FakeInstanceType[] = [
  ...['t3', 't3a', 't4g'].flatMap((family) =>
    (
      [
        ['micro', 2, 1],
        ['small', 2, 2],
        ['medium', 2, 4],
        ['large', 2, 8],
        ['xlarge', 4, 16],
        ['2xlarge', 8, 32],
      ] as const
    ).map(([size, vcpus, memoryGiB]) => fakeType(`${family}.${size}`, vcpus, memoryGiB)),
  ),
  ...(
    [
      ['m6i', 4],
      ['m7i', 4],
      ['m7g', 4],
      ['c6i', 2],
      ['c7i', 2],
      ['c7g', 2],
      ['r6i', 8],
      ['r7i', 8],
      ['r7g', 8],
    ] as const
  ).flatMap(([family, memoryPerVcpu]) =>
    ['large', 'xlarge', '2xlarge', '4xlarge'].map((size, index) =>
      fakeType(`${family}.${size}`, 2 ** (index + 1), 2 ** (index + 1) * memoryPerVcpu),
    ),
  ),
];

function fakeType(instanceType: string, vcpus: number, memoryGiB: number): FakeInstanceType {
  const arm = /^(t4g|m7g|c7g|r7g)\./.test(instanceType);
  return { instanceType, vcpus, memoryMiB: memoryGiB * 1024, architecture: arm ? 'arm64' : 'x86_64' };
}

class Ec2Fault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What one action handler gets. */
interface ActionContext {
  params: Record<string, string>;
  state: FakeEc2Server;
  instanceTypes: FakeInstanceType[];
  pageSize: number | undefined;
}

/**
 * Each action answers with the inner XML of its `<…Response>`, or throws an {@link Ec2Fault}. A Map, so an
 * `Action` such as `constructor` finds nothing rather than `Object.prototype.constructor`.
 */
const actions: ReadonlyMap<string, (context: ActionContext) => string> = new Map([
  ['DescribeInstanceTypes', describeInstanceTypes],
  ['CreateSecurityGroup', createSecurityGroup],
  ['AuthorizeSecurityGroupIngress', authorizeIngress],
  ['DeleteSecurityGroup', deleteSecurityGroup],
  ['RunInstances', runInstances],
]);

/**
 * A loopback stand-in for Amazon EC2 speaking the EC2 query protocol that `@aws-sdk/client-ec2` v3 uses:
 * a form-encoded POST (`Action=RunInstances&Version=2016-11-15&…`), SigV4-signed, answered with
 * `<RunInstancesResponse>` (and the other actions' responses) in EC2's element names, or the EC2 error
 * shape `<Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…`.
 * `DryRun=true` is answered like EC2 does: HTTP 412 `DryRunOperation` when the call would succeed, 403
 * `UnauthorizedOperation` (with an encoded authorization message) when denied. It keeps security groups
 * and launched instances, pages DescribeInstanceTypes with `NextToken`, launches once per RunInstances
 * `ClientToken` (a repeated token answers with the same instance, as EC2 does), records every request,
 * and injects failures and unanswered calls per action.
 */
export async function startFakeEc2Server(options: FakeEc2Options = {}): Promise<FakeEc2Server> {
  const instanceTypes = options.instanceTypes ?? defaultFakeInstanceTypes;
  const failures = new Map<string, { code: string; status: number; times: number }>();
  const hangs = new Map<string, number>();
  const unanswered = new Set<ServerResponse>();
  let denied = new Set<string>();
  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => {
        assertSigned(request);
        const params = Object.fromEntries(new URLSearchParams(body));
        const action = params.Action ?? '';
        const dryRun = params.DryRun === 'true';
        state.requests.push({ action, params, dryRun });
        if (params.Version !== apiVersion)
          throw new Ec2Fault(400, 'InvalidParameterValue', 'Bad API version.');
        const failure = dryRun ? undefined : failures.get(action);
        if (failure !== undefined && failure.times > 0) {
          failure.times -= 1;
          throw new Ec2Fault(failure.status, failure.code, `Injected failure (${failure.code}).`);
        }
        const handler = actions.get(action);
        if (handler === undefined)
          throw new Ec2Fault(400, 'InvalidAction', `The action ${action} is not valid.`);
        if (dryRun) throw dryRunFault(action, denied);
        const inner = handler({ params, state, instanceTypes, pageSize: options.pageSize });
        const hang = hangs.get(action) ?? 0;
        if (hang > 0) {
          hangs.set(action, hang - 1);
          unanswered.add(response);
          return;
        }
        sendResult(response, action, inner);
      })
      .catch((error: unknown) => sendError(response, error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: FakeEc2Server = {
    endpoint: `http://127.0.0.1:${port}`,
    requests: [],
    securityGroups: new Map(),
    instances: [],
    deletedGroups: [],
    failNext(action, code, status = 400, times = 1) {
      failures.set(action, { code, status, times });
    },
    denyDryRun(actionNames) {
      denied = new Set(actionNames);
    },
    hangNext(action, times = 1) {
      hangs.set(action, times);
    },
    reset() {
      state.requests.length = 0;
      state.instances.length = 0;
      state.deletedGroups.length = 0;
      state.securityGroups.clear();
      failures.clear();
      hangs.clear();
      for (const response of unanswered) response.destroy();
      unanswered.clear();
      denied = new Set();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return state;
}

function dryRunFault(action: string, denied: ReadonlySet<string>): Ec2Fault {
  if (denied.has(action)) {
    // Real EC2 appends an opaque blob that only sts:DecodeAuthorizationMessage can read.
    const encoded = randomBytes(96).toString('base64url');
    return new Ec2Fault(
      403,
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/quarry-test is not authorized to perform: ec2:${action} because no identity-based policy allows the ec2:${action} action. Encoded authorization failure message: ${encoded}`,
    );
  }
  return new Ec2Fault(412, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
}

/** Indexed values of a list parameter: `prefix.1`, `prefix.2`, … */
function listParam(params: Record<string, string>, prefix: string): string[] {
  const values: string[] = [];
  for (let index = 1; params[`${prefix}.${index}`] !== undefined; index += 1) {
    values.push(params[`${prefix}.${index}`] ?? '');
  }
  return values;
}

function describeInstanceTypes({ params, instanceTypes, pageSize }: ActionContext): string {
  const filterName = params['Filter.1.Name'];
  const wanted =
    filterName === 'instance-type' ? listParam(params, 'Filter.1.Value') : listParam(params, 'InstanceType');
  const unknown =
    filterName === undefined
      ? wanted.filter((name) => !instanceTypes.some((type) => type.instanceType === name))
      : [];
  if (unknown.length > 0) {
    throw new Ec2Fault(
      400,
      'InvalidInstanceType',
      `The following supplied instance types do not exist: [${unknown.join(', ')}]`,
    );
  }
  const matching = instanceTypes.filter((type) => wanted.length === 0 || wanted.includes(type.instanceType));
  const query = wanted.join(',');
  const start = pageStart(params.NextToken, query);
  const end = Math.min(matching.length, start + pageLength(params.MaxResults, pageSize));
  const nextToken = end < matching.length ? `<nextToken>${pageToken(end, query)}</nextToken>` : '';
  const items = matching
    .slice(start, end)
    .map(
      (type) =>
        `<item><instanceType>${type.instanceType}</instanceType><currentGeneration>true</currentGeneration>` +
        `<processorInfo><supportedArchitectures><item>${type.architecture}</item></supportedArchitectures></processorInfo>` +
        `<vCpuInfo><defaultVCpus>${type.vcpus}</defaultVCpus></vCpuInfo>` +
        `<memoryInfo><sizeInMiB>${type.memoryMiB}</sizeInMiB></memoryInfo></item>`,
    );
  return `<instanceTypeSet>${items.join('')}</instanceTypeSet>${nextToken}`;
}

/** Results per page: EC2 takes `MaxResults` from 5 to 100; the fake's `pageSize` may make pages smaller. */
function pageLength(maxResults: string | undefined, pageSize: number | undefined): number {
  if (maxResults !== undefined && !(Number(maxResults) >= 5 && Number(maxResults) <= 100)) {
    throw new Ec2Fault(400, 'InvalidParameterValue', `MaxResults must be from 5 to 100, not ${maxResults}.`);
  }
  return Math.min(Number(maxResults ?? Number.POSITIVE_INFINITY), pageSize ?? Number.POSITIVE_INFINITY);
}

/** An opaque token naming where the next page starts, valid only for the same query (as EC2's are). */
function pageToken(start: number, query: string): string {
  return Buffer.from(JSON.stringify({ start, query })).toString('base64url');
}

function pageStart(token: string | undefined, query: string): number {
  if (token === undefined) return 0;
  try {
    const page = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      start?: unknown;
      query?: unknown;
    };
    if (typeof page.start === 'number' && page.query === query) return page.start;
  } catch {
    // An unreadable token is answered like a token for another query.
  }
  throw new Ec2Fault(400, 'InvalidParameterValue', 'The NextToken does not belong to this request.');
}

function createSecurityGroup({ params, state }: ActionContext): string {
  const name = params.GroupName ?? '';
  const description = params.GroupDescription ?? '';
  if (name === '' || description === '') {
    throw new Ec2Fault(
      400,
      'MissingParameter',
      'The request must contain the parameter groupName and groupDescription',
    );
  }
  if ([...state.securityGroups.values()].some((group) => group.name === name)) {
    throw new Ec2Fault(
      400,
      'InvalidGroup.Duplicate',
      `The security group '${name}' already exists for VPC 'vpc-0fake'`,
    );
  }
  const groupId = `sg-${randomBytes(8).toString('hex').slice(0, 17)}`;
  state.securityGroups.set(groupId, { name, description, ingress: 0 });
  return `<return>true</return><groupId>${groupId}</groupId>`;
}

function authorizeIngress({ params, state }: ActionContext): string {
  const group = state.securityGroups.get(params.GroupId ?? '');
  if (group === undefined) {
    throw new Ec2Fault(400, 'InvalidGroup.NotFound', `The security group '${params.GroupId}' does not exist`);
  }
  const count = Object.keys(params).filter((key) => /^IpPermissions\.\d+\.IpProtocol$/.test(key)).length;
  group.ingress += count;
  const rules = Array.from(
    { length: count },
    (_, index) =>
      `<item><securityGroupRuleId>sgr-${randomBytes(8).toString('hex')}</securityGroupRuleId>` +
      `<groupId>${params.GroupId}</groupId><isEgress>false</isEgress>` +
      `<ipProtocol>${params[`IpPermissions.${index + 1}.IpProtocol`]}</ipProtocol></item>`,
  );
  return `<return>true</return><securityGroupRuleSet>${rules.join('')}</securityGroupRuleSet>`;
}

function deleteSecurityGroup({ params, state }: ActionContext): string {
  const groupId = params.GroupId ?? '';
  if (!state.securityGroups.delete(groupId)) {
    throw new Ec2Fault(400, 'InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
  }
  state.deletedGroups.push(groupId);
  return `<return>true</return><groupId>${groupId}</groupId>`;
}

function runInstances({ params, state, instanceTypes }: ActionContext): string {
  const type = params.InstanceType ?? 'm1.small';
  if (!instanceTypes.some((offered) => offered.instanceType === type)) {
    throw new Ec2Fault(400, 'InvalidParameterValue', `Invalid value '${type}' for InstanceType.`);
  }
  for (const groupId of listParam(params, 'SecurityGroupId')) {
    if (!state.securityGroups.has(groupId)) {
      throw new Ec2Fault(400, 'InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
    }
  }
  // A token seen before answers with the instance it launched: a retried call must not launch twice.
  const token = params.ClientToken;
  const earlier =
    token === undefined
      ? undefined
      : state.instances.find((instance) => instance.params.ClientToken === token);
  const instanceId = earlier?.instanceId ?? `i-${randomBytes(9).toString('hex').slice(0, 17)}`;
  if (earlier === undefined) state.instances.push({ instanceId, params });
  return (
    `<reservationId>r-${randomBytes(8).toString('hex').slice(0, 17)}</reservationId><ownerId>123456789012</ownerId>` +
    `<groupSet/><instancesSet><item><instanceId>${instanceId}</instanceId>` +
    `<imageId>ami-0123456789abcdef0</imageId><instanceState><code>0</code><name>pending</name></instanceState>` +
    `<instanceType>${type}</instanceType><launchTime>${new Date().toISOString()}</launchTime></item></instancesSet>`
  );
}

function assertSigned(request: IncomingMessage): void {
  const authorization = request.headers.authorization ?? '';
  if (
    !/^AWS4-HMAC-SHA256 Credential=\w+\/\d{8}\/[\w-]+\/ec2\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.test(
      authorization,
    )
  ) {
    throw new Ec2Fault(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
  }
}

function sendResult(response: ServerResponse, action: string, inner: string): void {
  const requestId = randomUUID();
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${xmlNamespace}"><requestId>${requestId}</requestId>${inner}</${action}Response>`;
  response.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
  response.end(body);
}

function sendError(response: ServerResponse, error: unknown): void {
  const fault =
    error instanceof Ec2Fault ? error : new Ec2Fault(500, 'InternalError', 'The fake EC2 server failed.');
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${fault.code}</Code>` +
    `<Message>${escapeXml(fault.message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`;
  response.writeHead(fault.status, { 'content-type': 'text/xml;charset=UTF-8' });
  response.end(body);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);
}
