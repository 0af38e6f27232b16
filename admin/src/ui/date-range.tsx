import { useId } from 'react';
import { isDay, lastDays, rangeDays, type DayRange } from '../lib/dates';

const PRESETS = [7, 30, 90, 365];

/** The page's date range: two date fields (UTC days, both included) and the usual presets. */
export function DateRangePicker({ range, onChange }: { range: DayRange; onChange: (range: DayRange) => void }) {
  const id = useId();
  const change = (key: keyof DayRange) => (event: React.ChangeEvent<HTMLInputElement>) => {
    const next = { ...range, [key]: event.target.value };
    if (isDay(next.from) && isDay(next.to) && next.from <= next.to) onChange(next);
  };
  const length = rangeDays(range);
  return (
    <fieldset className="date-range">
      <legend>Date range (UTC)</legend>
      <label htmlFor={`${id}-from`}>
        From
        <input id={`${id}-from`} type="date" value={range.from} max={range.to} onChange={change('from')} />
      </label>
      <label htmlFor={`${id}-to`}>
        To
        <input id={`${id}-to`} type="date" value={range.to} min={range.from} onChange={change('to')} />
      </label>
      <span className="presets">
        {PRESETS.map((days) => (
          <button
            key={days}
            type="button"
            aria-pressed={length === days && range.to === lastDays(days).to}
            onClick={() => onChange(lastDays(days))}
          >
            {days} days
          </button>
        ))}
      </span>
    </fieldset>
  );
}
