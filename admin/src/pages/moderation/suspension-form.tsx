import { useState, type FormEvent } from 'react';
import { messageOf } from '../../api/hearth';
import { useMutation } from '../../api/use-graphql';
import { SuspendMemberDocument, UnsuspendMemberDocument, type MemberRowFragment } from '../../generated/graphql';
import { dateTime } from '../../lib/format';
import { SaveStatus } from '../../ui/controls';

const DAY_MS = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

/**
 * Suspending a member (no log-in, sessions and sockets cut at once, their content hidden) or
 * lifting a suspension early; both go to the moderation log with the reason given here.
 */
export function SuspensionForm({ member, onSaved }: { member: MemberRowFragment; onSaved: () => void }) {
  const [until, setUntil] = useState(inDays(7));
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const suspend = useMutation(SuspendMemberDocument);
  const unsuspend = useMutation(UnsuspendMemberDocument);
  const run = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      setMessage({ ok: true, text: done });
      setReason('');
      onSaved();
    } catch (error) {
      setMessage({ ok: false, text: messageOf(error) });
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (member.suspendedUntil) void run(() => unsuspend.run({ memberId: member.id, note: reason.trim() || null }), 'Suspension lifted.');
    else
      void run(
        () => suspend.run({ memberId: member.id, until: new Date(`${until}T00:00:00Z`).toISOString(), reason: reason.trim() }),
        'Suspended.',
      );
  };
  return (
    <section aria-labelledby="suspension-title">
      <h2 id="suspension-title">Suspension</h2>
      {member.suspendedUntil ? (
        <p data-fact="suspension">
          Suspended until {dateTime(member.suspendedUntil)}
          {member.suspensionReason ? `: ${member.suspensionReason}` : ''}
        </p>
      ) : (
        <p data-fact="suspension">Not suspended.</p>
      )}
      <form className="form-grid" onSubmit={submit}>
        {member.suspendedUntil ? null : (
          <label>
            Suspend until
            <input type="date" value={until} min={inDays(1)} required onChange={(event) => setUntil(event.target.value)} />
          </label>
        )}
        <label className="wide">
          {member.suspendedUntil ? 'Note for the log' : 'Reason (kept in the moderation log)'}
          <input type="text" value={reason} required={!member.suspendedUntil} onChange={(event) => setReason(event.target.value)} />
        </label>
        <div className="actions">
          <button type="submit" className="danger-outline" disabled={suspend.pending || unsuspend.pending}>
            {member.suspendedUntil ? 'Lift the suspension' : 'Suspend'}
          </button>
          <SaveStatus status={message} />
        </div>
      </form>
    </section>
  );
}
