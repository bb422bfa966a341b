import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser (`npx playwright install` cannot work here). */
const chromiumCandidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Flags for a quiet headless run in a container: no sandbox, GPU, updates or background traffic. */
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches the system Chromium; a clear error saying how to install it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumCandidates.find((file) => existsSync(file));
  if (!executablePath) {
    throw new Error('Chromium is not installed; the browser tests need it: sudo apt-get install -y chromium');
  }
  return chromium.launch({ executablePath, args: chromiumFlags });
}
