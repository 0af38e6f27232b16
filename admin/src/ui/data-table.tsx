import type { ReactNode } from 'react';

export interface Column<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  /** Right-aligned figures. */
  numeric?: boolean;
  /** Sorting by this column: the current direction, and what a click asks for. */
  sort?: { active: 'ascending' | 'descending' | null; onSort: () => void };
}

interface DataTableProps<Row> {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey?: (row: Row, index: number) => string;
  /** Shown instead of an empty body. */
  empty?: string;
}

/** A table in a scrollable, keyboard-focusable region (wide tables on a phone scroll sideways, not the page). */
export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey = (_row, index) => String(index),
  empty = 'Nothing to show.',
}: DataTableProps<Row>) {
  return (
    <div className="table-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th
                key={column.header}
                scope="col"
                className={column.numeric ? 'num' : undefined}
                aria-sort={column.sort ? (column.sort.active ?? 'none') : undefined}
              >
                {column.sort ? (
                  <button type="button" className="sort-button" onClick={column.sort.onSort}>
                    {column.header}
                    <span aria-hidden="true">
                      {column.sort.active === 'ascending' ? ' ▲' : column.sort.active === 'descending' ? ' ▼' : ''}
                    </span>
                  </button>
                ) : (
                  column.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length ? (
            rows.map((row, index) => (
              <tr key={rowKey(row, index)}>
                {columns.map((column) => (
                  <td key={column.header} className={column.numeric ? 'num' : undefined}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={columns.length} className="empty">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
