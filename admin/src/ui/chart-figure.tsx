import type { ChartConfiguration } from 'chart.js';
import { useEffect, useId, useRef, useState } from 'react';
import { DataTable, type Column } from './data-table';

/** Colours that stay apart for the common colour-vision deficiencies (Okabe–Ito), darkened for contrast. */
export const PALETTE = ['#0072B2', '#009E73', '#D55E00', '#CC79A7', '#E69F00', '#56B4E9', '#6B7280'];

interface ChartFigureProps<Row> {
  title: string;
  /** One sentence that says what the chart shows, read by screen readers on the canvas. */
  summary: string;
  // Any chart type: each page builds its own typed configuration.
  config: ChartConfiguration<any, any, any>;
  columns: Column<Row>[];
  rows: Row[];
  /** Height of the chart in px. */
  height?: number;
}

/**
 * A chart with its data as a table behind a toggle: the table is the same numbers, for screen
 * readers, keyboard users and anyone who wants to copy them.
 */
export function ChartFigure<Row>({ title, summary, config, columns, rows, height = 240 }: ChartFigureProps<Row>) {
  const [showTable, setShowTable] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);
  const id = useId();
  useEffect(() => {
    if (showTable || !canvas.current) return;
    let chart: { destroy(): void } | undefined;
    let cancelled = false;
    const target = canvas.current;
    void import('./chart-setup').then(({ Chart }) => {
      if (!cancelled) chart = new Chart(target, config);
    });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [config, showTable]);
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <div className="chart-head">
        <figcaption id={`${id}-title`}>{title}</figcaption>
        <button
          type="button"
          className="link-button"
          aria-pressed={showTable}
          aria-controls={`${id}-body`}
          onClick={() => setShowTable((value) => !value)}
        >
          {showTable ? 'Show chart' : 'Show table'}
        </button>
      </div>
      <div id={`${id}-body`}>
        {showTable ? (
          <DataTable caption={title} columns={columns} rows={rows} />
        ) : rows.length ? (
          <div className="chart-box" style={{ height }}>
            <canvas ref={canvas} role="img" aria-label={summary} />
          </div>
        ) : (
          <p className="empty">No data in this range.</p>
        )}
      </div>
    </figure>
  );
}
