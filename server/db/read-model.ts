import type { EntityClass, EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

type Row = Record<string, unknown>;

interface Column {
  name: string;
  column: string;
  reference: boolean;
  date: boolean;
}

interface Shape {
  name: string;
  mapper: (row: Row) => unknown;
  columns: Column[];
  /** Every read-model property: the projection of a whole row. */
  all: ReadonlySet<string>;
}

const shapes = new WeakMap<EntityMetadata, Shape>();

function shapeOf(em: EntityManager, entity: EntityClass<object>): Shape {
  const meta = em.getMetadata().get(entity) as EntityMetadata;
  let shape = shapes.get(meta);
  if (!shape) {
    // Scalars and many-to-one keys; never a lazy column (a password hash stays out of read models).
    const columns = meta.props
      .filter((prop) => (prop.kind === 'scalar' || prop.kind === 'm:1') && !prop.lazy)
      .map((prop) => ({
        name: prop.name as string,
        column: prop.fieldNames[0],
        reference: prop.kind === 'm:1',
        date: prop.runtimeType === 'Date',
      }));
    // Instances of the entity class (TypeGraphQL passes them to field resolvers as they are, where
    // it would otherwise construct a fresh entity per field), through a prototype whose plain data
    // properties shadow MikroORM's change-tracking setters.
    const prototype = Object.create(
      meta.prototype as object,
      Object.fromEntries(columns.map(({ name }) => [name, { value: undefined, writable: true }])),
    );
    const mapper = (row: Row) => {
      const model: Row = Object.create(prototype);
      for (const { name, column, reference, date } of columns) {
        const value = row[column];
        // A projected row (see projection) lacks the columns nobody asked for.
        if (value === undefined) continue;
        if (value === null) model[name] = null;
        else if (reference) model[name] = { id: value };
        // The driver hands timestamps back as strings (MikroORM parses them in em.map), and JSON
        // built in SQL carries them as ISO strings.
        else model[name] = date && !(value instanceof Date) ? new Date(value as string) : value;
      }
      return model;
    };
    shape = { name: meta.className, mapper, columns, all: new Set(columns.map(({ name }) => name)) };
    shapes.set(meta, shape);
  }
  return shape;
}

/**
 * Maps rows of hot read paths (feed pages, DataLoader batches) to plain objects shaped like the
 * entity: scalars under their property names, many-to-one references as `{ id }`. It skips what
 * `em.map` pays per row (identity map, change-tracking snapshot), which the bench showed was most
 * of a feed page's cost. These objects are read-only views: a service that changes data loads
 * managed entities instead.
 */
export function readModel<T extends object>(em: EntityManager, entity: EntityClass<T>): (row: Row) => T {
  return shapeOf(em, entity).mapper as (row: Row) => T;
}

/**
 * SQL for one row of `entity` (table alias `alias`) as JSON holding exactly the columns its read
 * model maps: a page embeds its related rows (a feed item's themes and author) with this rather
 * than `row_to_json`, which would also carry lazy columns and every byte of them.
 */
export function jsonRow(em: EntityManager, entity: EntityClass<object>, alias: string): string {
  return projection(em, entity, shapeOf(em, entity).all).json(alias);
}

export interface Projection {
  /** Whether it reads every read-model column: only such rows may prime a loader others share. */
  readonly complete: boolean;
  /** The select list for table alias `alias`. */
  columns(alias: string): string;
  /** `json_build_object` of the same columns, to embed such rows in another table's row. */
  json(alias: string): string;
}

const projections = new WeakMap<ReadonlySet<string>, Map<string, Projection>>();

/**
 * The read-model columns of `entity` that a read needs: the properties in `wanted` (typically the
 * fields an operation selects, see selectedFields) and `required` (keys, what authorization and
 * cursors read). Fields that are not columns (resolved elsewhere) are ignored. The rows map with
 * readModel to objects holding only those properties, so a caller passes everything its field
 * resolvers read. Memoized per `wanted` set, which selectedFields keeps per parsed document.
 */
export function projection(
  em: EntityManager,
  entity: EntityClass<object>,
  wanted: ReadonlySet<string>,
  required: readonly string[] = ['id'],
): Projection {
  const shape = shapeOf(em, entity);
  let byEntity = projections.get(wanted);
  if (!byEntity) projections.set(wanted, (byEntity = new Map()));
  const key = `${shape.name}:${required.join(',')}`;
  let found = byEntity.get(key);
  if (!found) {
    const columns = shape.columns.filter(({ name }) => wanted.has(name) || required.includes(name)).map(({ column }) => column);
    const lists = new Map<string, string>();
    const memo = (kind: string, alias: string, build: () => string) => {
      const cacheKey = `${kind}:${alias}`;
      let sql = lists.get(cacheKey);
      if (sql === undefined) lists.set(cacheKey, (sql = build()));
      return sql;
    };
    found = {
      complete: columns.length === shape.columns.length,
      columns: (alias) => memo('list', alias, () => columns.map((column) => `${alias}.${column}`).join(', ')),
      json: (alias) =>
        memo('json', alias, () => `json_build_object(${columns.map((column) => `'${column}', ${alias}.${column}`).join(', ')})`),
    };
    byEntity.set(key, found);
  }
  return found;
}
