import type { EntityClass, EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

type Row = Record<string, unknown>;
const mappers = new WeakMap<EntityMetadata, (row: Row) => unknown>();

/**
 * Maps rows of hot read paths (feed pages, DataLoader batches) to plain objects shaped like the
 * entity: scalars under their property names, many-to-one references as `{ id }`. It skips what
 * `em.map` pays per row (identity map, change-tracking snapshot), which the bench showed was most
 * of a feed page's cost. These objects are read-only views: a service that changes data loads
 * managed entities instead.
 */
export function readModel<T extends object>(em: EntityManager, entity: EntityClass<T>): (row: Row) => T {
  const meta = em.getMetadata().get(entity) as EntityMetadata;
  let mapper = mappers.get(meta);
  if (!mapper) {
    const columns = meta.props
      .filter((prop) => prop.kind === 'scalar' || prop.kind === 'm:1')
      .map((prop) => ({ name: prop.name as string, column: prop.fieldNames[0], reference: prop.kind === 'm:1', date: prop.runtimeType === 'Date' }));
    // Instances of the entity class (TypeGraphQL passes them to field resolvers as they are, where
    // it would otherwise construct a fresh entity per field), through a prototype whose plain data
    // properties shadow MikroORM's change-tracking setters.
    const prototype = Object.create(meta.prototype as object, Object.fromEntries(columns.map(({ name }) => [name, { value: undefined, writable: true }])));
    mapper = (row: Row) => {
      const model: Row = Object.create(prototype);
      for (const { name, column, reference, date } of columns) {
        const value = row[column];
        if (value === null || value === undefined) model[name] = null;
        else if (reference) model[name] = { id: value };
        // The driver hands timestamps back as strings (MikroORM parses them in em.map).
        else model[name] = date && !(value instanceof Date) ? new Date(value as string) : value;
      }
      return model;
    };
    mappers.set(meta, mapper);
  }
  return mapper as (row: Row) => T;
}
