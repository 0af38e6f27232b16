import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package; `.ci/run` installs it when missing. The /usr/bin wrapper script is not used. */
export const CHROMIUM_PATH = '/usr/lib/chromium/chromium';

const FLAGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Headless Chromium through playwright-core (which never downloads a browser itself). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS, headless: true });
}

/** A describe block that drives a real browser: skipped, and said so, only when Chromium is not installed. */
export function describeWithChromium(title: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) return describe(title, body);
  console.warn(`SKIPPED: ${title} (Chromium is not installed at ${CHROMIUM_PATH}: apt-get install -y chromium).`);
  describe.skip(title, body);
}

export interface PageServer {
  /** `http://127.0.0.1:<port>` or `http://localhost:<port>`: the origin of the pages it serves. */
  origin: string;
  close(): Promise<void>;
}

/** A web server for a front end on another origin than the API: it serves `html` at every path. */
export async function servePage(html: string, host: '127.0.0.1' | 'localhost' = '127.0.0.1'): Promise<PageServer> {
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://${host}:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
