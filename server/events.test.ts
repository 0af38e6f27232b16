import { captureLogs } from '../test/log-capture';
import { DomainEventBus } from './events';

describe('DomainEventBus', () => {
  it('runs beforeAnswer handlers inside emit and the others after it returned; idle() waits for those', async () => {
    const bus = new DomainEventBus(captureLogs().logger);
    const seen: string[] = [];
    bus.on('MEMBER_CHANGED', async ({ memberId }) => void seen.push(`later ${memberId}`));
    bus.beforeAnswer('MEMBER_CHANGED', ({ memberId }) => void seen.push(`at once ${memberId}`));
    bus.emit('MEMBER_CHANGED', { memberId: 'm1' });
    expect(seen).toEqual(['at once m1']);
    await bus.idle();
    expect(seen).toEqual(['at once m1', 'later m1']);
  });

  it('logs a failing handler with its event and never throws into the emitting request (its transaction committed)', async () => {
    const logs = captureLogs();
    const bus = new DomainEventBus(logs.logger);
    const seen: string[] = [];
    bus.beforeAnswer('MEMBER_SUSPENDED', () => {
      throw new Error('broker gone');
    });
    bus.beforeAnswer('MEMBER_SUSPENDED', () => void seen.push('next handler'));
    bus.on('MEMBER_SUSPENDED', async () => {
      throw new Error('later failure');
    });
    expect(() => bus.emit('MEMBER_SUSPENDED', { memberId: 'm1' })).not.toThrow();
    await bus.idle();
    expect(seen).toEqual(['next handler']);
    expect(logs.errors().map((line) => [line.msg, line.event, line.err.message])).toEqual([
      ['domain event handler failed', 'MEMBER_SUSPENDED', 'broker gone'],
      ['domain event handler failed', 'MEMBER_SUSPENDED', 'later failure'],
    ]);
  });

  it('pending(): emits what a transaction decided, in order, only when told (after the commit), and once', () => {
    const bus = new DomainEventBus(captureLogs().logger);
    const seen: string[] = [];
    bus.beforeAnswer('SESSION_LIVE', ({ sessionId }) => void seen.push(`live ${sessionId}`));
    bus.beforeAnswer('SESSION_CHANGED', ({ sessionId }) => void seen.push(`changed ${sessionId}`));
    const pending = bus.pending();
    pending.add('SESSION_LIVE', { sessionId: 's1' });
    pending.add('SESSION_CHANGED', { sessionId: 's1' });
    expect(seen).toEqual([]);
    pending.emit();
    pending.emit();
    expect(seen).toEqual(['live s1', 'changed s1']);
  });
});
