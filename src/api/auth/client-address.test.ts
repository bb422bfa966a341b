import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.ts';

function addressOf(
  headers: Record<string, string>,
  trustedProxies: number,
  peer = '10.0.0.5',
): Promise<string> {
  const app = new Hono();
  app.get('/', (context) => context.text(clientAddress(context, trustedProxies)));
  const environment = { incoming: { socket: { remoteAddress: peer } } };
  return Promise.resolve(app.request('/', { headers }, environment)).then((response) => response.text());
}

describe('clientAddress', () => {
  it('uses the socket peer and ignores X-Forwarded-For unless proxies are trusted', async () => {
    expect(await addressOf({ 'x-forwarded-for': '1.2.3.4' }, 0)).toBe('10.0.0.5');
  });

  it('takes the address the outermost trusted proxy saw, whatever a client put in front of it', async () => {
    expect(await addressOf({ 'x-forwarded-for': 'forged, 203.0.113.7' }, 1)).toBe('203.0.113.7');
    expect(await addressOf({ 'x-forwarded-for': 'forged, 203.0.113.7, 10.0.0.2' }, 2)).toBe('203.0.113.7');
    expect(await addressOf({}, 1)).toBe('10.0.0.5');
  });

  it('reads the source address API Gateway saw on Lambda', async () => {
    const app = new Hono();
    app.get('/', (context) => context.text(clientAddress(context)));
    const environment = { event: { requestContext: { http: { sourceIp: '198.51.100.9' } } } };
    expect(await (await app.request('/', {}, environment)).text()).toBe('198.51.100.9');
  });
});
