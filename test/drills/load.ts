import { randomUUID } from 'node:crypto';
import { gql, sleep, type GqlOutcome } from './hearth';

const READ = `{ me { id } feed(first: 5) { edges { node { id title } } } }`;
const WRITE = `mutation($input: CreateContentInput!) { createContent(input: $input) { id } }`;

export interface Outcome extends GqlOutcome {
  kind: 'read' | 'write';
  /** Which client sent it. */
  client: number;
}

/**
 * Steady traffic from several clients (admins here, so that every write is allowed): each one
 * alternates a read (the viewer and a feed page) and a write (a new draft), one request at a time.
 * A write counts as acknowledged when its answer carries the new id: it must then be in the
 * database whatever happens afterwards.
 */
export class SteadyLoad {
  readonly outcomes: Outcome[] = [];
  readonly acknowledged = new Map<string, number>();
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly origin: string,
    private readonly tokens: string[],
    private readonly pauseMs = 50,
  ) {}

  start(): void {
    this.running = true;
    this.loops = this.tokens.map((token, client) => this.loop(token, client));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(token: string, client: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const write = n % 2 === 1;
      const outcome = write
        ? await gql(
            this.origin,
            WRITE,
            { input: { title: `drill ${randomUUID()}`, type: 'ARTICLE', body: 'written during a drill' } },
            token,
          )
        : await gql(this.origin, READ, {}, token);
      this.outcomes.push({ ...outcome, kind: write ? 'write' : 'read', client });
      const id = write ? outcome.data?.createContent?.id : undefined;
      if (id) this.acknowledged.set(id, outcome.startedAt + outcome.ms);
      await sleep(this.pauseMs);
    }
  }
}

export interface Tally {
  tried: number;
  answered: number;
  ok: number;
  unavailable: number;
  /** Answered with anything else than data or SERVICE_UNAVAILABLE, or not answered at all. */
  other: number;
  otherCodes: string[];
  maxMs: number;
}

export function tally(outcomes: GqlOutcome[]): Tally {
  const other = outcomes.filter((o) => o.code !== null && o.code !== 'SERVICE_UNAVAILABLE');
  return {
    tried: outcomes.length,
    answered: outcomes.filter((o) => o.status > 0).length,
    ok: outcomes.filter((o) => o.code === null).length,
    unavailable: outcomes.filter((o) => o.code === 'SERVICE_UNAVAILABLE').length,
    other: other.length,
    otherCodes: [...new Set(other.map((o) => `${o.code}(${o.status})`))],
    maxMs: Math.max(0, ...outcomes.map((o) => o.ms)),
  };
}

export const describeTally = (t: Tally) =>
  `tried ${t.tried}, answered ${t.answered} (ok ${t.ok}, SERVICE_UNAVAILABLE ${t.unavailable}, other ${t.other}${t.otherCodes.length ? ` ${t.otherCodes.join(' ')}` : ''})`;
