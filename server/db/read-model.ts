import type { EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

type Row = Record<string, unknown>;

/**
 * A row class (`ContentRow` beside `Content`): the view type that reads bypassing the ORM return
 * (`*.queries.ts`). It declares a table's columns once (MikroORM's column decorators: scalars, and
 * many-to-one keys as `{ id }`) and the GraphQL object type (`@ObjectType('Content')`, its
 * `@Field`s); the entity is its subclass and adds what only a managed object has (collections,
 * lazy columns, references that load). So a managed entity is an instance of its row class
 * (GraphQL, the union types and field resolvers rooted on the row class take both as they are),
 * while a row is not an entity: MikroORM refuses to persist one (it never saw the class as an
 * entity) and TypeScript refuses one where the entity is expected.
 */
export type RowClass<V extends object> = abstract new () => V;

/** A row's many-to-one column: the key of the row it points to (the entity declares `Ref<T>` there). */
export interface Key {
  id: string;
}

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
const entities = new WeakMap<RowClass<object>, EntityMetadata>();

/** The entity whose row class `view` is: its direct subclass. Anything else (an entity itself) is refused. */
function entityOf(em: EntityManager, view: RowClass<object>): EntityMetadata {
  let meta = entities.get(view);
  if (!meta) {
    meta = [...em.getMetadata()].find((it) => !it.abstract && Object.getPrototypeOf(it.class) === view);
    if (!meta) throw new Error(`${view.name} is not a row class (the direct base class of an entity)`);
    entities.set(view, meta);
  }
  return meta;
}

function shapeOf(em: EntityManager, view: RowClass<object>): Shape {
  const meta = entityOf(em, view);
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
    // Instances of the row class, never of the entity: TypeGraphQL passes them to field resolvers
    // rooted on the row class as they are (it would otherwise construct a fresh object per field),
    // and the ORM does not take them for entities.
    const prototype = view.prototype as object;
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
 * Maps rows of hot read paths (feed pages, DataLoader batches) to instances of a row class (see
 * RowClass): scalars under their property names, many-to-one references as `{ id }`. It skips
 * what `em.map` pays per row (identity map, change-tracking snapshot), which the bench showed was
 * most of a feed page's cost. A service that changes data loads managed entities instead.
 */
export function readModel<V extends object>(em: EntityManager, view: RowClass<V>): (row: Row) => V {
  return shapeOf(em, view).mapper as (row: Row) => V;
}

/**
 * SQL for one row of `view`'s table (alias `alias`) as JSON holding exactly the columns its read
 * model maps: a page embeds its related rows (a feed item's themes and author) with this rather
 * than `row_to_json`, which would also carry lazy columns and every byte of them.
 */
export function jsonRow(em: EntityManager, view: RowClass<object>, alias: string): string {
  return projection(em, view, shapeOf(em, view).all).json(alias);
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
 * The read-model columns of `view` that a read needs: the properties in `wanted` (typically the
 * fields an operation selects, see selectedFields) and `required` (keys, what authorization and
 * cursors read). Fields that are not columns (resolved elsewhere) are ignored. The rows map with
 * readModel to objects holding only those properties, so a caller passes everything its field
 * resolvers read. Memoized per `wanted` set, which selectedFields keeps per parsed document.
 */
export function projection(
  em: EntityManager,
  view: RowClass<object>,
  wanted: ReadonlySet<string>,
  required: readonly string[] = ['id'],
): Projection {
  const shape = shapeOf(em, view);
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
