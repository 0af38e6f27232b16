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
  mapper: (row: Row) => unknown;
  columns: Column[];
  /** `json_build_object` of the columns, per table alias. */
  json: Map<string, string>;
  /** Select lists, per alias and omitted properties. */
  lists: Map<string, string>;
}

const shapes = new WeakMap<EntityMetadata, Shape>();

function shapeOf(em: EntityManager, entity: EntityClass<object>): Shape {
  const meta = em.getMetadata().get(entity) as EntityMetadata;
  let shape = shapes.get(meta);
  if (!shape) {
    // Scalars and many-to-one keys; never a lazy column (a password hash stays out of read models).
    const columns = meta.props
      .filter((prop) => (prop.kind === 'scalar' || prop.kind === 'm:1') && !prop.lazy)
      .map((prop) => ({ name: prop.name as string, column: prop.fieldNames[0], reference: prop.kind === 'm:1', date: prop.runtimeType === 'Date' }));
    // Instances of the entity class (TypeGraphQL passes them to field resolvers as they are, where
    // it would otherwise construct a fresh entity per field), through a prototype whose plain data
    // properties shadow MikroORM's change-tracking setters.
    const prototype = Object.create(meta.prototype as object, Object.fromEntries(columns.map(({ name }) => [name, { value: undefined, writable: true }])));
    const mapper = (row: Row) => {
      const model: Row = Object.create(prototype);
      for (const { name, column, reference, date } of columns) {
        const value = row[column];
        if (value === null || value === undefined) model[name] = null;
        else if (reference) model[name] = { id: value };
        // The driver hands timestamps back as strings (MikroORM parses them in em.map), and JSON
        // built in SQL carries them as ISO strings.
        else model[name] = date && !(value instanceof Date) ? new Date(value as string) : value;
      }
      return model;
    };
    shape = { mapper, columns, json: new Map(), lists: new Map() };
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
  const shape = shapeOf(em, entity);
  let sql = shape.json.get(alias);
  if (!sql) {
    sql = `json_build_object(${shape.columns.map(({ column }) => `'${column}', ${alias}.${column}`).join(', ')})`;
    shape.json.set(alias, sql);
  }
  return sql;
}

/**
 * The select list of `entity`'s read-model columns for table alias `alias`, leaving out `omit`
 * (property names): a page that does not show a large column does not read it. The read model
 * then holds null for those properties, so only a caller that knows they are not read omits them.
 */
export function selectColumns(em: EntityManager, entity: EntityClass<object>, alias: string, omit: readonly string[] = []): string {
  const shape = shapeOf(em, entity);
  const key = `${alias}:${omit.join(',')}`;
  let sql = shape.lists.get(key);
  if (!sql) {
    sql = shape.columns
      .filter(({ name }) => !omit.includes(name))
      .map(({ column }) => `${alias}.${column}`)
      .join(', ');
    shape.lists.set(key, sql);
  }
  return sql;
}
