import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { messageOf } from '../../api/hearth';
import { useGraphQL, useMutation } from '../../api/use-graphql';
import {
  CancelSessionDocument,
  LiveSessionDetailDocument,
  ScheduleSessionDocument,
  ThemesDocument,
  UpdateSessionDocument,
  type LiveSessionDetailQuery,
  type ScheduledSessionFragment,
} from '../../generated/graphql';
import { fromLocalInput, toLocalInput } from '../../lib/dates';
import { count, dateTime, percent, titleCase } from '../../lib/format';
import { SaveStatus } from '../../ui/controls';
import { Figures } from '../../ui/figures';
import { PageHeader } from '../../ui/layout';
import { ErrorNote, Loading } from '../../ui/status';
import { PeoplePicker, type Person } from './people-picker';

/** A new session (`id` null) or a scheduled one: its form, cancel, and its KPIs. */
export function SessionScreen({ id }: { id: string | null }) {
  const detail = useGraphQL(LiveSessionDetailDocument, { id: id ?? '' }, { skip: !id });
  if (!id) return <SessionEditor session={null} />;
  if (!detail.data?.liveSession)
    return detail.loading ? <Loading what="the session" /> : <ErrorNote error={detail.error} retry={detail.reload} />;
  return (
    <>
      <SessionEditor key={detail.data.liveSession.id} session={detail.data.liveSession} onChanged={detail.reload} />
      <SessionStats stats={detail.data.liveSessionStats} />
    </>
  );
}

interface SessionDraft {
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  capacity: string;
  autoRecord: boolean;
  themeSlugs: string[];
  speakers: Person[];
  partner: Person[];
}

function draftOf(session: ScheduledSessionFragment | null): SessionDraft {
  if (!session) {
    const start = new Date(Date.now() + 7 * 86_400_000);
    start.setMinutes(0, 0, 0);
    return {
      title: '',
      description: '',
      startsAt: toLocalInput(start.toISOString()),
      endsAt: toLocalInput(new Date(start.getTime() + 3_600_000).toISOString()),
      capacity: '',
      autoRecord: true,
      themeSlugs: [],
      speakers: [],
      partner: [],
    };
  }
  return {
    title: session.title,
    description: session.description,
    startsAt: toLocalInput(session.startsAt),
    endsAt: toLocalInput(session.endsAt),
    capacity: session.capacity == null ? '' : String(session.capacity),
    autoRecord: session.autoRecord,
    themeSlugs: session.themes.map((theme) => theme.slug),
    speakers: session.speakers,
    partner: session.partner ? [session.partner] : [],
  };
}

function inputOf(draft: SessionDraft) {
  return {
    title: draft.title,
    description: draft.description,
    startsAt: fromLocalInput(draft.startsAt),
    endsAt: fromLocalInput(draft.endsAt),
    capacity: draft.capacity ? Number(draft.capacity) : null,
    autoRecord: draft.autoRecord,
    themeSlugs: draft.themeSlugs,
    speakerIds: draft.speakers.map((speaker) => speaker.id),
    partnerId: draft.partner[0]?.id ?? null,
  };
}

function SessionEditor({ session, onChanged }: { session: ScheduledSessionFragment | null; onChanged?: () => void }) {
  const [draft, setDraft] = useState(() => draftOf(session));
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  // Cancelling notifies every registrant and cannot be undone: asked twice.
  const [confirming, setConfirming] = useState(false);
  const [, navigate] = useLocation();
  const themes = useGraphQL(ThemesDocument, {});
  const schedule = useMutation(ScheduleSessionDocument);
  const update = useMutation(UpdateSessionDocument);
  const cancel = useMutation(CancelSessionDocument);
  const patch = (change: Partial<SessionDraft>) => {
    setDraft((current) => ({ ...current, ...change }));
    setStatus(null);
  };
  const editable = !session || session.status === 'SCHEDULED';
  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      if (session) {
        await update.run({ input: { id: session.id, ...inputOf(draft) } });
        setStatus({ ok: true, text: 'Saved. Registrants are reminded at the new time.' });
        onChanged?.();
      } else {
        const { scheduleLiveSession } = await schedule.run({ input: inputOf(draft) });
        navigate(`/live/${scheduleLiveSession.id}`);
      }
    } catch (error) {
      setStatus({ ok: false, text: messageOf(error) });
    }
  };
  const cancelSession = async () => {
    try {
      await cancel.run({ id: session!.id });
      onChanged?.();
    } catch (error) {
      setStatus({ ok: false, text: messageOf(error) });
    }
  };
  return (
    <>
      <p className="breadcrumb">
        <Link href="/live">Live sessions</Link>
      </p>
      <PageHeader title={session ? session.title : 'Schedule a session'}>
        {session && editable ? (
          confirming ? (
            <span className="rule-switch">
              <button type="button" className="danger" disabled={cancel.pending} onClick={() => void cancelSession()}>
                Cancel it and tell the {count(session.registrantCount)} registered
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </span>
          ) : (
            <button type="button" className="danger-outline" onClick={() => setConfirming(true)}>
              Cancel the session
            </button>
          )
        ) : null}
      </PageHeader>
      {session ? (
        <p className="lead">
          <span className={`badge ${session.status.toLowerCase()}`}>{titleCase(session.status)}</span> {dateTime(session.startsAt)} ·{' '}
          {count(session.registrantCount)} registered
          {session.status === 'CANCELLED' ? ' · registrants were told' : ''}
        </p>
      ) : null}
      <form className="card form-grid session-form" onSubmit={save} aria-label="Session">
        <label className="wide">
          Title
          <input
            required
            maxLength={200}
            value={draft.title}
            disabled={!editable}
            onChange={(event) => patch({ title: event.target.value })}
          />
        </label>
        <label className="wide">
          Description (Markdown)
          <textarea
            rows={4}
            maxLength={20_000}
            value={draft.description}
            disabled={!editable}
            onChange={(event) => patch({ description: event.target.value })}
          />
        </label>
        <label>
          Starts (your time)
          <input
            type="datetime-local"
            required
            value={draft.startsAt}
            disabled={!editable}
            onChange={(event) => patch({ startsAt: event.target.value })}
          />
        </label>
        <label>
          Ends (your time)
          <input
            type="datetime-local"
            required
            value={draft.endsAt}
            min={draft.startsAt}
            disabled={!editable}
            onChange={(event) => patch({ endsAt: event.target.value })}
          />
        </label>
        <label>
          Capacity (blank: no limit)
          <input
            type="number"
            min={1}
            max={100000}
            inputMode="numeric"
            value={draft.capacity}
            disabled={!editable}
            onChange={(event) => patch({ capacity: event.target.value })}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.autoRecord}
            disabled={!editable}
            onChange={(event) => patch({ autoRecord: event.target.checked })}
          />
          Record automatically (the recording becomes a replay)
        </label>
        {themes.data?.themes.length ? (
          <fieldset className="choices wide" disabled={!editable}>
            <legend>Themes</legend>
            {themes.data.themes.map((theme) => (
              <label key={theme.slug} className="check">
                <input
                  type="checkbox"
                  checked={draft.themeSlugs.includes(theme.slug)}
                  onChange={(event) =>
                    patch({
                      themeSlugs: event.target.checked
                        ? [...draft.themeSlugs, theme.slug]
                        : draft.themeSlugs.filter((slug) => slug !== theme.slug),
                    })
                  }
                />
                {theme.name}
              </label>
            ))}
          </fieldset>
        ) : null}
        {editable ? (
          <>
            <PeoplePicker label="Speakers" chosen={draft.speakers} onChange={(speakers) => patch({ speakers })} />
            <PeoplePicker label="Partner" role="PARTNER" single chosen={draft.partner} onChange={(partner) => patch({ partner })} />
            <div className="actions wide">
              <button type="submit" disabled={schedule.pending || update.pending}>
                {session ? 'Save changes' : 'Schedule'}
              </button>
              <SaveStatus status={status} />
            </div>
          </>
        ) : null}
      </form>
    </>
  );
}

function SessionStats({ stats }: { stats: LiveSessionDetailQuery['liveSessionStats'] }) {
  return (
    <section aria-labelledby="session-stats-title">
      <h2 id="session-stats-title">Session KPIs</h2>
      <Figures
        label="Session KPIs"
        items={[
          { id: 'registrants', label: 'Registrants', value: count(stats.registrants) },
          {
            id: 'attendance',
            label: 'Attendance rate',
            value: percent(stats.attendanceRate),
            hint: `${count(stats.attendees)} attended, ${count(stats.peakConcurrent)} at the peak`,
          },
          { id: 'minutes', label: 'Mean minutes attended', value: stats.meanMinutesAttended.toFixed(1) },
          { id: 'replay-views', label: 'Replay views', value: count(stats.replayViews) },
          { id: 'meetings', label: 'Meetings accepted', value: `${count(stats.meetingsAccepted)} of ${count(stats.meetingsRequested)}` },
          { id: 'leads', label: 'Leads for the partner', value: count(stats.leads) },
        ]}
      />
    </section>
  );
}
