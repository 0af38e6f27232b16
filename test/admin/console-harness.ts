import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../..');

/** Debian's Chromium; the `/usr/bin/chromium` wrapper misbehaves when driven (STACK-NOTES). */
export const CHROMIUM = '/usr/lib/chromium/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Screenshots of the console's pages, for people to look at (git-ignored, kept by CI as artifacts). */
export const SCREENSHOTS = path.join(ROOT, 'artifacts', 'admin-console');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The console `npm run build` wrote: jest's global setup builds once per run, so tests serve the current sources. */
export const CONSOLE_DIR = path.join(ROOT, 'dist', 'admin');

/** Client-side navigation: tokens live in the page's memory, so a reload would log out. */
export async function navigate(page: Page, pathname: string): Promise<void> {
  await page.evaluate((to) => {
    history.pushState(null, '', to);
    dispatchEvent(new PopStateEvent('popstate'));
  }, pathname);
}

export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
}

/** Serious and critical accessibility violations (WCAG 2.1 A and AA rules), as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // resultTypes: only violations are reported in full (passes keep one node each): a third faster.
  // Legacy mode runs axe in the page itself. The default runs it per frame, then opens a blank page
  // to finish, injecting axe's 650 KB twice more per check; the console has no iframes, so that only
  // cost time: the 11 pages of the console's tour took 17.5 s of axe against 4.7 s, the same findings.
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .options({ resultTypes: ['violations'] })
    .setLegacyMode()
    .analyze();
  // A page axe could not read (nothing passed) is a failure too, not a clean bill.
  if (!results.passes.length) return ['axe checked nothing on this page'];
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
}
