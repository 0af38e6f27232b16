import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { serverAudits, type AuditResult } from 'graphql-http';
import { startTestServer, type TestServer } from './server';

/** Runs every audit of graphql-http's suite against `url`, one at a time. */
async function audit(url: string): Promise<AuditResult[]> {
  const results: AuditResult[] = [];
  for (const one of serverAudits({ url })) results.push(await one.fn());
  return results;
}

/**
 * Apollo Server with its defaults (the integration Hearth uses), for its own figure beside Hearth's;
 * introspection on, as Hearth's test server has it: under NODE_ENV=production (test/setup-env.ts)
 * Apollo's default turns it off, and two MUST audits query the schema.
 */
async function startPlainApollo(): Promise<{ url: string; stop(): Promise<void> }> {
  const apollo = new ApolloServer({
    typeDefs: 'type Query { hello: String }',
    resolvers: { Query: { hello: () => 'world' } },
    introspection: true,
  });
  await apollo.start();
  const app = express();
  // Express's env as under NODE_ENV=test: its default error handler then answers a malformed body
  // without printing it to the test's output (the audit sends several).
  app.set('env', 'test');
  app.use('/graphql', express.json(), expressMiddleware(apollo));
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    stop: async () => {
      await apollo.stop();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** `| name | audits | MUST | SHOULD | MAY | warnings |`: passing audits per requirement level, as README states them. */
function row(name: string, results: AuditResult[]): string {
  const passing = (level: 'MUST' | 'SHOULD' | 'MAY') => {
    const ofLevel = results.filter((result) => result.name.startsWith(`${level} `));
    return `${ofLevel.filter((result) => result.status === 'ok').length}/${ofLevel.length}`;
  };
  return `| ${name} | ${results.length} | ${passing('MUST')} | ${passing('SHOULD')} | ${passing('MAY')} | ${results.filter((result) => result.status === 'warn').length} |`;
}

let server: TestServer;
let hearth: AuditResult[];
let apollo: AuditResult[];
beforeAll(async () => {
  server = await startTestServer();
  hearth = await audit(server.hearth.url);
  const plain = await startPlainApollo();
  try {
    apollo = await audit(plain.url);
  } finally {
    await plain.stop();
  }
});
afterAll(() => server.stop());

describe('the GraphQL-over-HTTP audit (graphql-http serverAudits)', () => {
  it('finds no error and no warning on Hearth: every MUST and SHOULD holds', () => {
    const failing = hearth.filter((result) => result.status === 'error' || result.status === 'warn');
    expect(failing.map((result) => `${result.status} ${result.id} ${result.name}: ${'reason' in result ? result.reason : ''}`)).toEqual([]);
  });

  it('has its figures in README, next to Apollo Server’s own', () => {
    const readme = readFileSync(path.resolve(__dirname, '../README.md'), 'utf8').split('\n');
    expect(readme.find((line) => line.startsWith('| Hearth |'))).toBe(row('Hearth', hearth));
    expect(readme.find((line) => line.startsWith('| Apollo Server, defaults |'))).toBe(row('Apollo Server, defaults', apollo));
  });
});
