import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContentStatus } from '../schema/content/content.entity.ts';
import { Role } from '../schema/identity/member.entity.ts';
import { buildContent, buildMember, FACTORY_PASSWORD } from '../test/factories.ts';
import { startTestServer, subscriptionsReady, type TestServer } from '../test/server.ts';

/**
 * The client as an app gets it: `npm pack` of the workspace, installed into a folder outside the
 * repository, imported by an ESM app (TypeScript, moduleResolution NodeNext, run by Node's type
 * stripping) and by a CommonJS app (require, checked by tsc), each typechecked and then run
 * against a real server: log in, read the feed, receive a subscription event.
 */
jest.setTimeout(180_000);

const repo = path.resolve(__dirname, '..');
const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');
const typeRoots = [path.join(repo, 'node_modules/@types')];
let server: TestServer;
let apps: string;

const ESM_APP = `import { ContentPublishedDocument, createHearthClient, FeedDocument, HearthError, LogInDocument, type FeedQuery } from '@hearth/client';

let accessToken: string | null = null;
const hearth = createHearthClient({ url: process.env.HEARTH_URL!, getAccessToken: () => accessToken });
const { logIn } = await hearth.mutate(LogInDocument, { input: { email: process.env.HEARTH_EMAIL!, password: process.env.HEARTH_PASSWORD! } });
accessToken = logIn.accessToken;
const { feed }: FeedQuery = await hearth.query(FeedDocument);
const published = hearth.subscribe(ContentPublishedDocument);
const event = published.next();
console.log(JSON.stringify({ step: 'subscribed' }));
const { value } = await event;
await published.return?.();
await hearth.close();
console.log(JSON.stringify({
  resolved: import.meta.resolve('@hearth/client'),
  member: logIn.member.displayName,
  feed: feed.edges.map((edge) => edge.node.title),
  published: value?.contentPublished.title,
  error: new HearthError('NOT_FOUND', 'x', []).code,
}));
`;

const CJS_APP = `// @ts-check
const { ContentPublishedDocument, createHearthClient, FeedDocument, HearthError, LogInDocument } = require('@hearth/client');

async function main() {
  /** @type {string | null} */
  let accessToken = null;
  const hearth = createHearthClient({ url: String(process.env.HEARTH_URL), getAccessToken: () => accessToken });
  const { logIn } = await hearth.mutate(LogInDocument, { input: { email: String(process.env.HEARTH_EMAIL), password: String(process.env.HEARTH_PASSWORD) } });
  accessToken = logIn.accessToken;
  const { feed } = await hearth.query(FeedDocument);
  const published = hearth.subscribe(ContentPublishedDocument);
  const event = published.next();
  console.log(JSON.stringify({ step: 'subscribed' }));
  const { value } = await event;
  await published.return?.();
  await hearth.close();
  console.log(JSON.stringify({
    resolved: require.resolve('@hearth/client'),
    member: logIn.member.displayName,
    feed: feed.edges.map((edge) => edge.node.title),
    published: value?.contentPublished.title,
    error: new HearthError('NOT_FOUND', 'x', []).code,
  }));
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

function writeApp(name: string, type: 'module' | 'commonjs', file: string, source: string): void {
  const dir = path.join(apps, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `hearth-${name}-app`, private: true, type }));
  writeFileSync(path.join(dir, file), source);
}

/**
 * One tsc run checks both apps, each as its own package.json says (ESM or CommonJS), with the
 * settings such apps use: NodeNext resolution, strict, the ESM app limited to what Node's type
 * stripping runs, the CommonJS one as checked JavaScript.
 */
function typecheckApps(): string {
  const compilerOptions = {
    ...{ module: 'nodenext', moduleResolution: 'nodenext', target: 'ES2022', strict: true, noEmit: true, types: ['node'], typeRoots },
    ...{ verbatimModuleSyntax: true, erasableSyntaxOnly: true, allowJs: true, checkJs: true },
  };
  writeFileSync(path.join(apps, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['esm/app.ts', 'cjs/app.js'] }));
  try {
    return execFileSync(process.execPath, [tsc, '-p', apps], { encoding: 'utf8' });
  } catch (error) {
    return (error as { stdout: string }).stdout || String(error);
  }
}

/** Runs an app to its end; once it says it subscribed, publishes an item so its subscription has an event. */
async function runApp(dir: string, file: string): Promise<Record<string, unknown>> {
  const member = await buildMember(server.em(), { displayName: `Packaged ${path.basename(dir)}` });
  const since = server.hearth.subscriptionsStarted();
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', file], {
    cwd: dir,
    env: { PATH: process.env.PATH, HEARTH_URL: server.hearth.url, HEARTH_EMAIL: member.email, HEARTH_PASSWORD: FACTORY_PASSWORD },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await subscriptionsReady(server.hearth, since, 1, () => child.exitCode !== null);
  const admin = await buildMember(server.em(), { role: Role.ADMIN });
  const draft = await buildContent(server.em(), {
    author: admin,
    status: ContentStatus.DRAFT,
    title: `Published for ${path.basename(dir)}`,
  });
  await server.gql(`mutation($id: ID!) { publishContent(id: $id) { id } }`, { id: draft.id }, { token: await server.tokenFor(admin.id) });
  expect({ code: await exited, stderr }).toEqual({ code: 0, stderr: '' });
  const lines = stdout.trim().split('\n');
  expect(JSON.parse(lines[0])).toEqual({ step: 'subscribed' });
  return JSON.parse(lines.at(-1)!);
}

beforeAll(async () => {
  server = await startTestServer();
  await buildContent(server.em(), { title: 'Already in the feed' });
  apps = mkdtempSync(path.join(os.tmpdir(), 'hearth-client-apps-'));
  // prepack builds dist/esm and dist/cjs into the tarball.
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--workspace', 'client', '--pack-destination', apps, '--json', '--silent'], {
      cwd: repo,
      encoding: 'utf8',
    }),
  );
  const tarball = `file:./${packed.filename}`;
  writeFileSync(
    path.join(apps, 'package.json'),
    JSON.stringify({ private: true, dependencies: { '@hearth/client': tarball, graphql: '16.15.0', 'graphql-ws': '6.4.2' } }),
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error'], {
    cwd: apps,
    encoding: 'utf8',
  });
  writeApp('esm', 'module', 'app.ts', ESM_APP);
  writeApp('cjs', 'commonjs', 'app.js', CJS_APP);
});

afterAll(async () => {
  await server?.stop();
  if (apps) rmSync(apps, { recursive: true, force: true });
});

describe('the npm-packed client in an app outside the repository', () => {
  it('ships ESM and CommonJS builds with their declarations, and no sources or tests', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
      );
    const shipped = files(path.join(apps, 'node_modules/@hearth/client')).map((file) =>
      path.relative(path.join(apps, 'node_modules/@hearth/client'), file),
    );
    expect(shipped).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/esm/index.js',
        'dist/esm/index.d.ts',
        'dist/cjs/index.js',
        'dist/cjs/index.d.ts',
        'dist/cjs/package.json',
      ]),
    );
    expect(shipped.filter((file) => !file.startsWith('dist/') && file !== 'package.json' && file !== 'README.md')).toEqual([]);
  });

  it('typechecks an ESM app ("type": "module", NodeNext) and a CommonJS app (require) against its declarations', () => {
    expect(typecheckApps()).toBe('');
  });

  it('runs the ESM app: it logs in, reads the feed and receives a subscription event', async () => {
    const result = await runApp(path.join(apps, 'esm'), 'app.ts');
    expect(result).toMatchObject({ member: 'Packaged esm', published: 'Published for esm', error: 'NOT_FOUND' });
    expect(result.feed).toContain('Already in the feed');
    expect(result.resolved).toMatch(/node_modules\/@hearth\/client\/dist\/esm\/index\.js$/);
  });

  it('runs the CommonJS app: it does the same', async () => {
    const result = await runApp(path.join(apps, 'cjs'), 'app.js');
    expect(result).toMatchObject({ member: 'Packaged cjs', published: 'Published for cjs', error: 'NOT_FOUND' });
    expect(result.resolved).toMatch(/node_modules\/@hearth\/client\/dist\/cjs\/index\.js$/);
  });
});
