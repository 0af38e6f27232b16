import { useEffect, useMemo, useState } from 'react';
import { useLocation } from 'wouter';
import { messageOf } from '../../api/hearth';
import { useGraphQL, useMutation } from '../../api/use-graphql';
import {
  CreateRuleDocument,
  DeleteRuleDocument,
  RulesDocument,
  SetRuleEnabledDocument,
  ThemesDocument,
  UpdateRuleDocument,
  type RuleFieldsFragment,
} from '../../generated/graphql';
import { count, dateTime } from '../../lib/format';
import { SaveStatus } from '../../ui/controls';
import { PageHeader } from '../../ui/layout';
import { ErrorNote, Loading } from '../../ui/status';
import { draftOf, NEW_RULE, RuleForm, type RuleDraft } from './rule-form';
import { RulePreview } from './rule-preview';
import { RuleStats } from './rule-stats';

/** A new rule (`id` null) or a saved one: the editor with its live preview, the switch, and the stats. */
export function RuleScreen({ id }: { id: string | null }) {
  const rules = useGraphQL(RulesDocument, {}, { skip: !id });
  const themes = useGraphQL(ThemesDocument, {});
  const saved = id ? rules.data?.engagementRules.find((rule) => rule.id === id) : undefined;
  if (id && !saved) {
    if (rules.loading || !rules.data)
      return rules.error ? <ErrorNote error={rules.error} retry={rules.reload} /> : <Loading what="the rule" />;
    return (
      <>
        <PageHeader title="Rule not found" />
        <p>This rule does not exist or was deleted.</p>
      </>
    );
  }
  return <RuleEditor key={saved?.id ?? 'new'} saved={saved ?? null} themes={themes.data?.themes ?? []} onChanged={rules.reload} />;
}

function RuleEditor({
  saved,
  themes,
  onChanged,
}: {
  saved: RuleFieldsFragment | null;
  themes: { slug: string; name: string }[];
  onChanged: () => void;
}) {
  const [draft, setDraft] = useState<RuleDraft>(() => (saved ? draftOf(saved) : NEW_RULE));
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [, navigate] = useLocation();
  const create = useMutation(CreateRuleDocument);
  const update = useMutation(UpdateRuleDocument);
  const unchanged = useMemo(() => saved !== null && JSON.stringify(draftOf(saved)) === JSON.stringify(draft), [saved, draft]);
  useEffect(() => setStatus(null), [draft]);
  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      if (saved) {
        await update.run({ input: { id: saved.id, ...draft } });
        setStatus({ ok: true, text: 'Saved.' });
        onChanged();
      } else {
        const { createEngagementRule } = await create.run({ input: { ...draft, enabled: false } });
        navigate(`/rules/${createEngagementRule.id}`);
      }
    } catch (error) {
      setStatus({ ok: false, text: messageOf(error) });
    }
  };
  return (
    <>
      <PageHeader title={saved ? saved.name : 'New rule'}>{saved ? <RuleSwitch rule={saved} onChanged={onChanged} /> : null}</PageHeader>
      {saved ? (
        <p className="lead">
          {saved.enabled ? 'Enabled' : 'Disabled'} · last run{' '}
          {saved.lastRunAt ? `${dateTime(saved.lastRunAt)}, ${count(saved.lastRunMembers)} selected` : 'never'}
        </p>
      ) : (
        <p className="lead">New rules start disabled: check the preview, save, then enable.</p>
      )}
      <div className="editor">
        <form className="card" onSubmit={save} aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          <RuleForm draft={draft} themes={themes} onChange={setDraft} />
          <div className="actions">
            <button type="submit" disabled={create.pending || update.pending || unchanged}>
              {saved ? 'Save changes' : 'Create rule'}
            </button>
            <SaveStatus status={status} />
          </div>
        </form>
        <RulePreview draft={draft} />
      </div>
      {saved ? <RuleStats ruleId={saved.id} /> : null}
    </>
  );
}

/** Enable, disable, delete (asks once more before deleting). */
function RuleSwitch({ rule, onChanged }: { rule: RuleFieldsFragment; onChanged: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [, navigate] = useLocation();
  const setEnabled = useMutation(SetRuleEnabledDocument);
  const remove = useMutation(DeleteRuleDocument);
  const act = async (work: () => Promise<unknown>, after: () => void) => {
    setError(null);
    try {
      await work();
      after();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <div className="rule-switch">
      <button
        type="button"
        disabled={setEnabled.pending}
        onClick={() => void act(() => setEnabled.run({ id: rule.id, enabled: !rule.enabled }), onChanged)}
      >
        {rule.enabled ? 'Disable' : 'Enable'}
      </button>
      {confirming ? (
        <>
          <button
            type="button"
            className="danger"
            onClick={() =>
              void act(
                () => remove.run({ id: rule.id }),
                () => navigate('/rules'),
              )
            }
          >
            Delete for good
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </>
      ) : (
        <button type="button" className="danger-outline" onClick={() => setConfirming(true)}>
          Delete
        </button>
      )}
      <ErrorNote error={error} />
    </div>
  );
}
