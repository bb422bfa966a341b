import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';

/** API Gateway HTTP API payload 2.0 (also what a Lambda function URL sends). */
export type ApiGatewayEventV2 = Extract<LambdaEvent, { routeKey: string }>;

const domainName = 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com';
const userAgent = 'curl/8.5.0';
const sourceIp = '203.0.113.7';

/** The origin of the API as a browser calling it sees it. */
export const apiOrigin = `https://${domainName}`;

/** A request, as a test describes it. */
export interface EventRequest {
  method?: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
  cookies?: string[];
}

/** An event as API Gateway sends it: lower-case headers, raw query string, cookies apart from headers. */
export function apiEvent(request: EventRequest): ApiGatewayEventV2 {
  const method = request.method ?? 'GET';
  const body = request.base64 && request.body ? Buffer.from(request.body).toString('base64') : request.body;
  const query = request.query ?? '';
  const time = new Date('2026-03-02T09:15:00Z');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    rawQueryString: query,
    ...(request.cookies ? { cookies: request.cookies } : {}),
    headers: {
      accept: '*/*',
      host: domainName,
      'user-agent': userAgent,
      'x-amzn-trace-id': 'Root=1-65e2ee2c-3f1b5e1c2a8d4b7e9c0f1a2b',
      'x-forwarded-for': sourceIp,
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...(request.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(request.body)) }),
      ...lowerCaseKeys(request.headers ?? {}),
    },
    ...(query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(query)) } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      authentication: null,
      authorizer: {},
      domainName,
      domainPrefix: 'a1b2c3d4e5',
      http: { method, path: request.path, protocol: 'HTTP/1.1', sourceIp, userAgent },
      requestId: `req-${Math.random().toString(36).slice(2, 10)}`,
      routeKey: '$default',
      stage: '$default',
      time: '02/Mar/2026:09:15:00 +0000',
      timeEpoch: time.getTime(),
    },
    body: body ?? null,
    isBase64Encoded: request.base64 === true,
  };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** The context the Lambda runtime passes, with 29 s left. */
export const lambdaContext: LambdaContext = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'quarry-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:quarry-api',
  memoryLimitInMB: '1024',
  awsRequestId: '8f4a2b1c-0d3e-4f5a-9b6c-7d8e9f0a1b2c',
  logGroupName: '/aws/lambda/quarry-api',
  logStreamName: '2026/03/02/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 29_000,
};
