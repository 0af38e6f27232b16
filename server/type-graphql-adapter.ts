import { isObjectType, isUnionType, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { installedVersion } from './installed-version';

/**
 * What Hearth does past type-graphql's public options, in one place. Plain fields resolve
 * directly through the public option (`@ObjectType({ simpleResolvers: true })` on every object
 * type); what no option covers is here: calling plain field resolvers directly (speed, switched
 * by DIRECT_FIELD_RESOLVERS) and answering union types synchronously (graphql-jit needs it). It
 * reads type-graphql's metadata (its exported `getMetadataStorage`, never written to) and sets
 * resolvers on the built graphql-js schema. Written against one version: with any other, the
 * direct calls stay off (type-graphql's own wrappers are always correct, only slower) until this
 * file is checked against it and TYPE_GRAPHQL_VERSION updated (server/type-graphql-adapter.test.ts).
 */
export const TYPE_GRAPHQL_VERSION = '2.0.0-rc.4';

/** The installed type-graphql's version (its package.json is not exported: found beside its entry point). */
export function installedTypeGraphQLVersion(): string {
  return installedVersion(require.resolve('type-graphql'), 'type-graphql');
}

type Storage = ReturnType<typeof getMetadataStorage>;

/**
 * Fields that `simpleResolvers` would strip of their `@Authorized` or middleware: a field of a
 * simple type that has either must say `simple: false`. buildHearthSchema refuses to start
 * otherwise (a check that lost its resolver would silently let everyone through).
 */
export function securedSimpleFields(storage: Storage = getMetadataStorage()): string[] {
  const simpleTypes = new Map(storage.objectTypes.filter((type) => type.simpleResolvers).map((type) => [type.target, type.name]));
  return storage.fields
    .filter(
      (field) =>
        simpleTypes.has(field.target) && field.simple !== false && (field.roles !== undefined || (field.middlewares?.length ?? 0) > 0),
    )
    .map((field) => `${simpleTypes.get(field.target)}.${field.schemaName}`);
}

type ParamKind = 'root' | 'context' | 'info';
type Method = (...args: unknown[]) => unknown;

/**
 * A @FieldResolver taking only @Root (already an instance of its type), @Ctx and @Info, with no
 * roles and no middleware, is called directly. type-graphql's wrapper sorts the parameter
 * metadata, maps it to a new array and builds a resolver-data object on every call: on a 20-item
 * feed page (60 such calls) that was a sixth of what the page allocates. Any other field resolver,
 * and any root that is not an instance yet, goes through type-graphql as before. Object types of
 * stored things are row classes (server/db/read-model.ts) whose entity is a subclass: a row from a
 * query module and a managed entity are both instances of the root type, and both taken directly.
 * Returns how many fields it set.
 */
function callPlainFieldResolversDirectly(schema: GraphQLSchema, storage: Storage): number {
  const instances = new Map<object, Record<string, Method>>();
  let direct = 0;
  for (const meta of storage.fieldResolvers) {
    if (meta.kind !== 'external' || meta.roles !== undefined || meta.middlewares?.length || !meta.getObjectType) continue;
    const params = [...(meta.params ?? [])].sort((a, b) => a.index - b.index);
    if (!params.every((p) => p.kind === 'info' || ((p.kind === 'root' || p.kind === 'context') && !p.propertyName))) continue;
    const objectClass = meta.getObjectType();
    const type = schema.getType(storage.objectTypes.find((it) => it.target === objectClass)?.name ?? '');
    const field = isObjectType(type) ? type.getFields()[meta.schemaName] : undefined;
    const Target = meta.target as new () => Record<string, Method>;
    if (!field?.resolve || Target.length > 0) continue;
    const instance = instances.get(Target) ?? new Target();
    instances.set(Target, instance);
    const method = instance[meta.methodName];
    const fallback = field.resolve;
    const rootParam = params.find((p) => p.kind === 'root');
    const rootType: unknown = rootParam && 'getType' in rootParam ? rootParam.getType?.() : undefined;
    if (rootType !== undefined && typeof rootType !== 'function') continue; // a scalar root: type-graphql converts it
    const kinds = params.map((p) => p.kind as ParamKind);
    const pick = (kind: ParamKind, root: unknown, context: unknown, info: unknown) =>
      kind === 'root' ? root : kind === 'context' ? context : info;
    field.resolve = (root, args, context, info) => {
      if (rootType && !(root instanceof (rootType as abstract new () => unknown))) return fallback(root, args, context, info);
      switch (kinds.length) {
        case 0:
          return method.call(instance);
        case 1:
          return method.call(instance, pick(kinds[0], root, context, info));
        case 2:
          return method.call(instance, pick(kinds[0], root, context, info), pick(kinds[1], root, context, info));
        default:
          return method.apply(
            instance,
            kinds.map((kind) => pick(kind, root, context, info)),
          );
      }
    };
    direct++;
  }
  return direct;
}

/**
 * A union's `resolveType` answers synchronously when the domain's function does. type-graphql
 * wraps every one in an async function, and graphql-jit (server/compiled-queries.ts) does not
 * await a type resolver: each query selecting such a union would fail there. (A union without
 * `resolveType` gets type-graphql's own synchronous `instanceof` check and is left alone.)
 */
function resolveUnionTypesSynchronously(schema: GraphQLSchema, storage: Storage): void {
  const nameOf = (resolved: unknown) =>
    typeof resolved === 'function'
      ? storage.objectTypes.find((type) => type.target === resolved)?.name
      : ((resolved as string | undefined) ?? undefined);
  for (const union of storage.unions) {
    const type = schema.getType(union.name);
    if (!isUnionType(type) || !union.resolveType) continue;
    const resolveType = union.resolveType as (...args: unknown[]) => unknown;
    type.resolveType = (...args) => {
      const resolved = resolveType(...args);
      return resolved instanceof Promise ? resolved.then(nameOf) : nameOf(resolved);
    };
  }
}

export interface AdapterOptions {
  /** DIRECT_FIELD_RESOLVERS: call plain field resolvers directly. */
  directFieldResolvers: boolean;
  /** The installed type-graphql's version (tests pass another to see the adapter stand down). */
  version?: string;
}

/** What the adapter did to a built schema: how many field resolvers it calls directly. */
export interface AdapterReport {
  directFieldResolvers: number;
}

/** Applies the adapter to a schema type-graphql just built. */
export function adaptTypeGraphQLSchema(schema: GraphQLSchema, options: AdapterOptions): AdapterReport {
  const storage = getMetadataStorage();
  const secured = securedSimpleFields(storage);
  if (secured.length) {
    throw new Error(
      `These fields have @Authorized or middleware on an @ObjectType({ simpleResolvers: true }): give them simple: false, or they run unchecked: ${secured.join(', ')}`,
    );
  }
  resolveUnionTypesSynchronously(schema, storage);
  const known = (options.version ?? installedTypeGraphQLVersion()) === TYPE_GRAPHQL_VERSION;
  return { directFieldResolvers: options.directFieldResolvers && known ? callPlainFieldResolversDirectly(schema, storage) : 0 };
}
