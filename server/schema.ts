import 'reflect-metadata';
import { DateTimeResolver } from 'graphql-scalars';
import { isObjectType, isUnionType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, getMetadataStorage, type NonEmptyArray } from 'type-graphql';
import { modules } from '../schema/modules';
import type { ResolverClass } from './module';
import type { HearthPubSub } from './pubsub';

/** Every resolver class, from the module list. */
export const resolvers = modules.flatMap((module) => module.resolvers ?? []) as unknown as NonEmptyArray<ResolverClass>;

const authChecker = modules.find((module) => module.authChecker)?.authChecker;

export type { ResolverClass };

/**
 * A field that is a plain property (no @FieldResolver, no @Authorized, no middleware) resolves as
 * graphql-js' default does. type-graphql would otherwise wrap every such field in a resolver that
 * allocates a closure and an object per value, and makes graphql-jit build a resolve info for each
 * call: a third of what a feed page allocates. (It would also run global middlewares on them: the
 * schema has none; give a field `simple: false` if one ever must.)
 */
function plainFieldsResolveDirectly(): void {
  for (const field of getMetadataStorage().fields as { simple?: boolean; roles?: unknown[]; middlewares?: unknown[] }[]) {
    if (field.simple === undefined && field.roles === undefined && !field.middlewares?.length) field.simple = true;
  }
}

type ParamKind = 'root' | 'context' | 'info';
type Method = (...args: unknown[]) => unknown;

/**
 * A @FieldResolver taking only @Root (already an instance of its type), @Ctx and @Info, with no
 * roles and no middleware, is called directly. type-graphql's wrapper sorts the parameter
 * metadata, maps it to a new array and builds a resolver-data object on every call: on a 20-item
 * feed page (60 such calls) that was a sixth of what the page allocates. Any other field resolver,
 * and any root that is not an instance yet, goes through type-graphql as before.
 */
function callPlainFieldResolversDirectly(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const instances = new Map<object, Record<string, Method>>();
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
    const pick = (kind: ParamKind, root: unknown, context: unknown, info: unknown) => (kind === 'root' ? root : kind === 'context' ? context : info);
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
          return method.apply(instance, kinds.map((kind) => pick(kind, root, context, info)));
      }
    };
  }
}

/**
 * A union's `resolveType` answers synchronously when the domain's function does. type-graphql
 * wraps every one in an async function, and graphql-jit (server/compiled-queries.ts) does not
 * await a type resolver: each query selecting a union failed there and ran a second time on
 * graphql-js, statements included (P-search: twice the time of its SQL).
 */
function resolveUnionTypesSynchronously(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const nameOf = (resolved: unknown) =>
    typeof resolved === 'function' ? storage.objectTypes.find((type) => type.target === resolved)?.name : (resolved as string | undefined) ?? undefined;
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

/** `extraResolvers`: for benchmarks that compare a field against a baseline served by the same stack. */
export async function buildHearthSchema(pubSub: HearthPubSub, extraResolvers: ResolverClass[] = []): Promise<GraphQLSchema> {
  plainFieldsResolveDirectly();
  const schema = await buildSchema({
    resolvers: [...resolvers, ...extraResolvers] as typeof resolvers,
    authChecker,
    pubSub,
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    emitSchemaFile: false,
  });
  callPlainFieldResolversDirectly(schema);
  resolveUnionTypesSynchronously(schema);
  return schema;
}

/** The SDL committed as schema.graphql: sorted, so diffs show real changes only. */
export function printHearthSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
