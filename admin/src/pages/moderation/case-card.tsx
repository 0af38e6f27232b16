import { useState, type FormEvent } from 'react';
import { messageOf } from '../../api/hearth';
import { useMutation } from '../../api/use-graphql';
import { ResolveReportDocument, type ModerationAction, type ModerationCaseCardFragment } from '../../generated/graphql';
import { count, date, dateTime, NONE, titleCase } from '../../lib/format';
import { SaveStatus } from '../../ui/controls';

type Card = ModerationCaseCardFragment;
type Subject = NonNullable<Card['subject']>;

const DAY_MS = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

/** What the case is about, as a heading and the text moderators judge. */
function subjectSummary(kind: Card['subjectKind'], subject: Subject | null): { title: string; preview: string | null } {
  if (!subject) return { title: `${titleCase(kind)} (deleted)`, preview: null };
  switch (subject.__typename) {
    case 'Content':
      return {
        title: `${titleCase(subject.type)}: ${subject.title}`,
        preview: [`By ${subject.author.displayName}.`, subject.summary].filter(Boolean).join(' '),
      };
    case 'Comment':
      return { title: `Comment by ${subject.author.displayName}`, preview: subject.deletedAt ? '(deleted)' : subject.body };
    case 'Message':
      return { title: `Message by ${subject.sender.displayName}`, preview: subject.text };
    case 'Member':
      return {
        title: `Member: ${subject.displayName}`,
        preview: [subject.jobTitle, subject.company].filter(Boolean).join(', ') || null,
      };
  }
}

/** One case: the subject, who reported it and why, and (while open) the decisions a moderator may take. */
export function CaseCard({ moderationCase, onResolved }: { moderationCase: Card; onResolved: (resolved: Card) => void }) {
  const { title, preview } = subjectSummary(moderationCase.subjectKind, moderationCase.subject);
  const headingId = `case-${moderationCase.id}`;
  return (
    <article className="card case" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {preview ? <blockquote className="preview">{preview}</blockquote> : null}
      <dl className="case-facts">
        <div>
          <dt>Reports</dt>
          <dd data-fact="report-count">{count(moderationCase.reportCount)}</dd>
        </div>
        <div>
          <dt>Reasons</dt>
          <dd data-fact="reasons">{moderationCase.reasons.map(titleCase).join(', ') || NONE}</dd>
        </div>
        <div>
          <dt>Reported by</dt>
          <dd data-fact="reporters">{moderationCase.reporters.map((reporter) => reporter.displayName).join(', ') || NONE}</dd>
        </div>
        <div>
          <dt>Opened</dt>
          <dd>{date(moderationCase.openedAt)}</dd>
        </div>
      </dl>
      {moderationCase.autoHidden && moderationCase.status === 'OPEN' ? (
        <p className="badge cancelled">Hidden automatically until a decision</p>
      ) : null}
      <details>
        <summary>What the reporters said</summary>
        <ul className="reports">
          {moderationCase.reports.map((report) => (
            <li key={report.id}>
              <strong>{titleCase(report.reason)}</strong> · {report.reporter?.displayName ?? 'a former member'} ·{' '}
              {dateTime(report.createdAt)}
              {report.note ? <q>{report.note}</q> : null}
            </li>
          ))}
        </ul>
      </details>
      {moderationCase.status === 'OPEN' ? (
        <ResolveForm moderationCase={moderationCase} onResolved={onResolved} />
      ) : (
        <Decision moderationCase={moderationCase} />
      )}
    </article>
  );
}

function Decision({ moderationCase }: { moderationCase: Card }) {
  return (
    <p className="decision" role="status">
      Resolved: {titleCase(moderationCase.action ?? 'DISMISS')}
      {moderationCase.resolvedBy ? ` by ${moderationCase.resolvedBy.displayName}` : ''} on {date(moderationCase.resolvedAt)}
      {moderationCase.note ? `. Note: ${moderationCase.note}` : '.'}
    </p>
  );
}

/** Dismiss, hide, delete or suspend the author, with a note for the log. */
function ResolveForm({ moderationCase, onResolved }: { moderationCase: Card; onResolved: (resolved: Card) => void }) {
  const [note, setNote] = useState('');
  const [until, setUntil] = useState(inDays(7));
  const [failure, setFailure] = useState<string | null>(null);
  const resolve = useMutation(ResolveReportDocument);
  const isMember = moderationCase.subjectKind === 'MEMBER';
  const actions: [ModerationAction, string][] = isMember
    ? [
        ['DISMISS', 'Dismiss'],
        ['SUSPEND_AUTHOR', 'Suspend the member'],
      ]
    : [
        ['DISMISS', 'Dismiss'],
        ['HIDE', 'Hide'],
        ['DELETE', 'Delete'],
        ['SUSPEND_AUTHOR', 'Suspend the author'],
      ];
  const decide = async (action: ModerationAction) => {
    setFailure(null);
    try {
      const suspendUntil = action === 'SUSPEND_AUTHOR' ? new Date(`${until}T00:00:00Z`).toISOString() : null;
      const { resolveReport } = await resolve.run({ caseId: moderationCase.id, action, note: note.trim() || null, suspendUntil });
      onResolved(resolveReport);
    } catch (error) {
      setFailure(messageOf(error));
    }
  };
  const submit = (event: FormEvent) => event.preventDefault();
  return (
    <form className="form-grid resolve" onSubmit={submit} aria-label="Decision">
      <label className="wide">
        Note for the log
        <textarea value={note} rows={2} onChange={(event) => setNote(event.target.value)} />
      </label>
      <label>
        Suspend until
        <input type="date" value={until} min={inDays(1)} onChange={(event) => setUntil(event.target.value)} />
      </label>
      <div className="actions">
        {actions.map(([action, label]) => (
          <button
            key={action}
            type="button"
            className={action === 'DISMISS' ? undefined : 'danger-outline'}
            disabled={resolve.pending}
            onClick={() => void decide(action)}
          >
            {label}
          </button>
        ))}
        <SaveStatus status={failure ? { ok: false, text: failure } : null} />
      </div>
    </form>
  );
}
