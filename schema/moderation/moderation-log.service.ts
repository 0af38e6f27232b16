import type { Context } from '../../server/context';
import { decodeKeyset, toConnection, withTotalCount, type ConnectionShape } from '../../server/pagination';
import type { PageArgs } from '../../server/pagination';
import { ModerationLogEntry } from './moderation-log-entry.entity';

const entryKey = (entry: ModerationLogEntry) => [entry.createdAt.toISOString(), entry.id];

export type ModerationLogServiceDeps = Pick<Context, 'em'>;

/** Reads the moderation log, newest first. */
export class ModerationLogService {
  constructor(private readonly ctx: ModerationLogServiceDeps) {}

  async list({ first, after }: PageArgs): Promise<ConnectionShape<ModerationLogEntry>> {
    const cursor = decodeKeyset(after);
    const rows = await this.ctx.em.find(
      ModerationLogEntry,
      cursor
        ? { $or: [{ createdAt: { $lt: new Date(cursor[0]) } }, { createdAt: new Date(cursor[0]), id: { $lt: String(cursor[1]) } }] }
        : {},
      { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: first + 1 },
    );
    return withTotalCount(toConnection(rows, first, entryKey, after), () => this.ctx.em.count(ModerationLogEntry, {}));
  }
}
