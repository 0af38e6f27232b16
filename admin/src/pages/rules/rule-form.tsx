import { useId } from 'react';
import type { EngagementRuleFields, EngagementTrigger, Membership, Role, RuleFieldsFragment } from '../../generated/graphql';
import { titleCase } from '../../lib/format';

export type RuleDraft = Required<Omit<EngagementRuleFields, 'audience'>> & {
  audience: { roles: Role[]; themes: string[]; memberships: Membership[] };
};

/** PRODUCT.md's defaults: INACTIVITY(7), UNSEEN_BACKLOG(10, 3), six items, 10 % held out. */
export const NEW_RULE: RuleDraft = {
  name: '',
  trigger: 'INACTIVITY',
  inactivityDays: 7,
  everyDays: 10,
  minUnseen: 3,
  maxItems: 6,
  holdoutPercent: 10,
  audience: { roles: [], themes: [], memberships: [] },
};

export function draftOf(rule: RuleFieldsFragment): RuleDraft {
  const { name, trigger, inactivityDays, everyDays, minUnseen, maxItems, holdoutPercent, audience } = rule;
  return {
    name,
    trigger,
    inactivityDays,
    everyDays,
    minUnseen,
    maxItems,
    holdoutPercent,
    audience: { roles: [...audience.roles], themes: [...audience.themes], memberships: [...audience.memberships] },
  };
}

export function describeTrigger(rule: Pick<RuleDraft, 'trigger' | 'inactivityDays' | 'everyDays' | 'minUnseen'>): string {
  return rule.trigger === 'INACTIVITY'
    ? `No visit for ${rule.inactivityDays} days`
    : `Every ${rule.everyDays} days, ${rule.minUnseen}+ unseen items`;
}

const TRIGGERS: EngagementTrigger[] = ['INACTIVITY', 'UNSEEN_BACKLOG'];
const AUDIENCE_ROLES: Role[] = ['MEMBER', 'SPEAKER', 'PARTNER', 'ADMIN'];
const AUDIENCE_MEMBERSHIPS: Membership[] = ['FREE', 'PAID'];

function NumberField({
  label,
  value,
  min,
  max,
  onChange,
  hint,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        value={Number.isNaN(value) ? '' : value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => onChange(event.target.valueAsNumber)}
      />
      {hint ? (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      ) : null}
    </div>
  );
}

function Choices<T extends string>({
  legend,
  options,
  chosen,
  label,
  onChange,
}: {
  legend: string;
  options: T[];
  chosen: T[];
  label: (value: T) => string;
  onChange: (chosen: T[]) => void;
}) {
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option} className="check">
          <input
            type="checkbox"
            checked={chosen.includes(option)}
            onChange={(event) => onChange(event.target.checked ? [...chosen, option] : chosen.filter((value) => value !== option))}
          />
          {label(option)}
        </label>
      ))}
    </fieldset>
  );
}

/** The rule's settings; every change goes straight to the live preview. */
export function RuleForm({
  draft,
  themes,
  onChange,
}: {
  draft: RuleDraft;
  themes: { slug: string; name: string }[];
  onChange: (draft: RuleDraft) => void;
}) {
  const id = useId();
  const patch = (change: Partial<RuleDraft>) => onChange({ ...draft, ...change });
  const audience = (change: Partial<RuleDraft['audience']>) => patch({ audience: { ...draft.audience, ...change } });
  return (
    <div className="rule-form">
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} required maxLength={120} value={draft.name} onChange={(event) => patch({ name: event.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-trigger`}>Trigger</label>
        <select
          id={`${id}-trigger`}
          value={draft.trigger}
          onChange={(event) => patch({ trigger: event.target.value as EngagementTrigger })}
        >
          {TRIGGERS.map((trigger) => (
            <option key={trigger} value={trigger}>
              {trigger === 'INACTIVITY' ? 'Inactivity' : 'Unseen backlog'}
            </option>
          ))}
        </select>
      </div>
      {draft.trigger === 'INACTIVITY' ? (
        <NumberField
          label="Days without a visit"
          value={draft.inactivityDays}
          min={1}
          max={365}
          onChange={(inactivityDays) => patch({ inactivityDays })}
        />
      ) : (
        <>
          <NumberField label="Every (days)" value={draft.everyDays} min={1} max={365} onChange={(everyDays) => patch({ everyDays })} />
          <NumberField
            label="Unseen items needed"
            value={draft.minUnseen}
            min={1}
            max={100}
            onChange={(minUnseen) => patch({ minUnseen })}
          />
        </>
      )}
      <NumberField label="Items per digest" value={draft.maxItems} min={1} max={20} onChange={(maxItems) => patch({ maxItems })} />
      <NumberField
        label="Holdout (%)"
        value={draft.holdoutPercent}
        min={0}
        max={50}
        hint="Members kept out to measure the lift: recorded, never emailed."
        onChange={(holdoutPercent) => patch({ holdoutPercent })}
      />
      <Choices
        legend="Roles (none ticked: everyone)"
        options={AUDIENCE_ROLES}
        chosen={draft.audience.roles}
        label={titleCase}
        onChange={(roles) => audience({ roles })}
      />
      <Choices
        legend="Memberships (none ticked: both)"
        options={AUDIENCE_MEMBERSHIPS}
        chosen={draft.audience.memberships}
        label={titleCase}
        onChange={(memberships) => audience({ memberships })}
      />
      {themes.length ? (
        <Choices
          legend="Interested in (none ticked: any theme)"
          options={themes.map((theme) => theme.slug)}
          chosen={draft.audience.themes}
          label={(slug) => themes.find((theme) => theme.slug === slug)?.name ?? slug}
          onChange={(chosen) => audience({ themes: chosen })}
        />
      ) : null}
    </div>
  );
}
