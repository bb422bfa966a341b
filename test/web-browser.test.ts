import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MockLanguageModelV3 } from 'ai/test';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/start-server.ts';
import {
  mockRuntime,
  modelReply,
  promptOf,
  streamedReply,
} from '../src/models/language-runtime.test-support.ts';
import { type ApiFixture, createApiFixture } from './support/api-fixture.ts';
import { launchChromium } from './support/browser.ts';

/** Screenshots of every page, kept as artifacts of the test run. */
const screenshots = path.resolve('test-results/screenshots');

/** The reply's parts; `{retry}` becomes the number the prompt gave `src/retry.ts`, as a model would cite it. */
let answerParts = [
  'Retry failed calls with `retryWithBackoff` [{retry}]. ',
  'It doubles the delay each time [{retry}].',
];
let fixture: ApiFixture;
let server: RunningServer;
let browser: Browser;
let page: Page;
let webRoot: string;

beforeAll(async () => {
  webRoot = await mkdtemp(path.join(tmpdir(), 'quarry-web-'));
  await build({
    configFile: path.resolve('web/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: webRoot, emptyOutDir: true },
  });
  const model = new MockLanguageModelV3({
    doStream: async (options) => {
      const prompt = promptOf(options)
        .map(([, text]) => text)
        .join('\n');
      const retry = /\[(\d+)\] acme\/widgets@v1\.0\.0:src\/retry\.ts/.exec(prompt)?.[1] ?? '1';
      return streamedReply(answerParts.map((part) => part.replaceAll('{retry}', retry)));
    },
    doGenerate: async () => modelReply('```python\ndef add(a, b):\n    return a + b\n```'),
  });
  const runtime = mockRuntime(model);
  fixture = await createApiFixture({ runtime });
  server = await startServer(fixture.services, {
    host: '127.0.0.1',
    port: 0,
    schedule: false,
    webRoot,
    openModel: async () => ({ runtime }),
    announce: () => {},
  });
  await mkdir(screenshots, { recursive: true });
  browser = await launchChromium();
  page = await (
    await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 860 } })
  ).newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fixture?.close();
  if (webRoot) await rm(webRoot, { recursive: true, force: true });
});

async function snapshot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

describe('the web app in Chromium', () => {
  it('refuses a wrong password, then signs in', async () => {
    await page.goto('/');
    await page.getByLabel('Username').fill('member');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toContain('Wrong user name or password');
    await snapshot('login');
    await page.getByLabel('Password').fill(fixture.passwords.member);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Question').waitFor();
  });

  it('streams an answer and opens a cited file at its lines in the source viewer', async () => {
    await page.getByLabel('Question').fill('How do widgets retry failed calls?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('It doubles the delay each time').waitFor();
    await page
      .getByRole('button', { name: /src\/retry\.ts/ })
      .first()
      .click();
    const viewer = page.getByRole('dialog', { name: 'Source viewer' });
    await viewer.getByText('export async function retryWithBackoff').waitFor();
    expect(await viewer.textContent()).toContain('src/retry.ts');
    await snapshot('chat-source-viewer');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden' });
    await snapshot('chat');
    const conversations = await fixture.dependencies.catalog.listConversations({ owner: 'member' });
    expect(conversations).toHaveLength(1);
  });

  it('renders model output as text, never as script or event handlers', async () => {
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    answerParts = [
      '<img src=x onerror="alert(1)"> <script>alert(2)</script> [click](javascript:alert(3)) [1]',
    ];
    await page.getByLabel('Question').fill('Show me something dangerous');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('<script>alert(2)</script>', { exact: false }).waitFor();
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(dialogs).toBe(0);
  });

  it('searches and opens a hit', async () => {
    await page.getByRole('link', { name: 'Search' }).click();
    await page.getByLabel('Search', { exact: true }).fill('retryWithBackoff');
    await page.getByRole('button', { name: 'Search' }).click();
    await page
      .getByRole('region', { name: /results/ })
      .getByRole('button', { name: /src\/retry\.ts/ })
      .first()
      .click();
    await page
      .getByRole('dialog', { name: 'Source viewer' })
      .getByText('export async function retryWithBackoff')
      .waitFor();
    await snapshot('search');
    await page.keyboard.press('Escape');
  });

  it('generates code and says where it was stored', async () => {
    await page.getByRole('link', { name: 'Code' }).click();
    await page.getByLabel('Language').fill('python');
    await page.getByLabel('Instructions').fill('add two numbers');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByText('def add(a, b):').waitFor();
    const stored = await page
      .getByText(/code_output\//)
      .first()
      .textContent();
    const key = /code_output\/\S+\.py/.exec(stored ?? '')?.[0] ?? '';
    expect(await fixture.dependencies.store.head(key)).toBeDefined();
    await snapshot('code');
  });

  it('hides repository management from members, and lets an admin add a repository', async () => {
    expect(await page.getByRole('link', { name: 'Repositories' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(fixture.passwords.admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Repositories' }).click();
    await page.getByLabel('Repository').fill('acme/gadgets');
    await page.getByRole('button', { name: 'Add repository' }).click();
    await page.getByText('acme/gadgets').first().waitFor();
    expect(await fixture.dependencies.catalog.getRepo('acme/gadgets')).toMatchObject({
      enabled: true,
      origin: 'user',
    });
    await snapshot('repositories');
  });

  it('creates an API key that works, and changes the password, on the Account page', async () => {
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByLabel('Key name').fill('from-the-browser');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('New key').inputValue();
    expect(key).toMatch(/^qk_/);
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(await me.json()).toEqual({ user: { id: 'admin', role: 'admin' } });
    await page.getByLabel('Current password').fill(fixture.passwords.admin);
    await page.getByLabel('New password', { exact: true }).fill('a-new-admin-password');
    await page.getByLabel('Repeat new password').fill('a-new-admin-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();
    await snapshot('account');
    // Still signed in (the session was renewed); put the password back for the other tests.
    await page.getByLabel('Current password').fill('a-new-admin-password');
    await page.getByLabel('New password', { exact: true }).fill(fixture.passwords.admin);
    await page.getByLabel('Repeat new password').fill(fixture.passwords.admin);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();
  });

  it('is readable on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Chat' }).click();
    await page.getByLabel('Question').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await snapshot('chat-phone');
  });
});
