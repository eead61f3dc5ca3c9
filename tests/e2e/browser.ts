// Shared e2e setup: the built playground (rebuilt when any source is newer) and Debian's Chromium driven by playwright-core.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

// jest runs this as CommonJS (__dirname); a script run through tsx is ESM and runs from the repository root
export const ROOT = typeof __dirname === 'string' ? resolve(__dirname, '../..') : process.cwd();
export const PLAYGROUND = join(ROOT, 'dist/playground');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/**
 * Builds dist/playground unless it is newer than everything it is built from
 * (src/, rollup.config.js, package-lock.json), so repeated local runs skip the ~20 s bundle.
 */
export function ensurePlaygroundBuilt(): void {
  const bundle = join(PLAYGROUND, 'playground.js');
  const inputs = Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'rollup.config.js')), newest(join(ROOT, 'package-lock.json')));
  if (existsSync(bundle) && existsSync(join(PLAYGROUND, 'index.html')) && statSync(bundle).mtimeMs > inputs) return;
  execFileSync('npx', ['rollup', '-c', '--environment', 'TARGET:playground', '--failAfterWarnings', '--silent'], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: 300_000,
  });
}

/** Where Chromium is: $CHROME_BIN, else Debian's /usr/bin/chromium. Fails loudly with the install command. */
export function chromiumPath(candidates: readonly (string | undefined)[] = [process.env['CHROME_BIN'], '/usr/bin/chromium']): string {
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (found === undefined) {
    throw new Error(
      `The playground e2e test needs Chromium and did not find it (looked at ${candidates.filter(Boolean).join(', ')}; $CHROME_BIN overrides).\n` +
        'Install Debian\'s package: sudo apt-get update && sudo apt-get install -y chromium\n' +
        '(or set CHROME_BIN to a Chromium/Chrome binary). `npx playwright install` does not work on this machine.',
    );
  }
  return found;
}

/**
 * Launches headless Chromium with the flags this sandbox needs (no network chatter). Playwright
 * gives every launch a fresh temporary profile itself (it refuses a --user-data-dir argument).
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}
