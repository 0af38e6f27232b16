import { titleCase } from '../lib/format';

/** A select over an enum's values (shown in title case); `anyLabel` adds the "no filter" choice. */
export function EnumSelect<T extends string>({
  label,
  value,
  options,
  anyLabel,
  onChange,
}: {
  label: string;
  value: T | null;
  options: readonly T[];
  anyLabel?: string;
  onChange: (value: T | null) => void;
}) {
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(event) => onChange((event.target.value || null) as T | null)}>
        {anyLabel ? <option value="">{anyLabel}</option> : null}
        {options.map((option) => (
          <option key={option} value={option}>
            {titleCase(option)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** What a save did, said politely to screen readers. */
export function SaveStatus({ status }: { status: { ok: boolean; text: string } | null }) {
  if (!status) return null;
  return (
    <span role="status" className={status.ok ? 'ok' : 'error-text'}>
      {status.text}
    </span>
  );
}
