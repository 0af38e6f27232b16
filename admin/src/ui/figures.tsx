import type { ReactNode } from 'react';

export interface Figure {
  /** Stable name for tests and links (`data-figure`). */
  id: string;
  label: string;
  value: ReactNode;
  hint?: string;
}

/** Key figures as text: what a screen reader, a test and a person read first. */
export function Figures({ items, label }: { items: Figure[]; label: string }) {
  return (
    <dl className="figures" aria-label={label}>
      {items.map((item) => (
        <div key={item.id} className="figure">
          <dt>{item.label}</dt>
          <dd data-figure={item.id}>{item.value}</dd>
          {item.hint ? <dd className="hint">{item.hint}</dd> : null}
        </div>
      ))}
    </dl>
  );
}
