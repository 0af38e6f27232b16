import {
  getNamedType,
  getOperationAST,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { Extensions, getMetadataStorage } from 'type-graphql';
import { LRUCache } from 'lru-cache';

/**
 * Which fields give every viewer the same answer, so that one execution may serve many
 * subscribers. Derived from the resolvers themselves and failing closed: a field is viewer-dependent
 * unless it is proven not to be.
 *
 * - a plain property of its parent (an `@Field` with no `@Authorized` and no middleware) is shared;
 * - a field resolver that takes only its root and arguments is shared: it cannot see the viewer;
 * - a field resolver that takes the context (the viewer, per-viewer loaders), or is `@Authorized`,
 *   or runs middleware, is per viewer, unless a review declared it `@Shareable(why)`;
 * - anything else (a field this derivation cannot trace to a resolver) is per viewer.
 */
export type FieldSharing =
  | { kind: 'shared'; because: 'property' | 'pure resolver' | 'reviewed'; reason?: string; problem?: string }
  | { kind: 'perViewer'; because: 'takes the context' | 'authorized' | 'middleware' | 'unknown'; problem?: string };

const SHAREABLE = 'hearthShareable';

/**
 * Declares a field resolver that takes the context viewer-independent, after review: it reads the
 * context only for viewer-independent collaborators (e.g. `loaders.memberById`), never `viewer`,
 * per-viewer loaders or anything derived from them. `reason` says why, for the next reviewer.
 * Shared executions run without a viewer: a declared field that reads one fails there, loudly.
 */
export function Shareable(reason: string): MethodDecorator & PropertyDecorator {
  return Extensions({ [SHAREABLE]: reason });
}

type Meta = ReturnType<typeof getMetadataStorage>;
type FieldMeta = Meta['fields'][number];
type ResolverMeta = Pick<Meta['fieldResolvers'][number], 'roles' | 'middlewares' | 'params'>;

const CONTEXT_PARAMS = new Set(['context', 'custom', 'pubSub']);

/** The type-graphql metadata behind `typeName.fieldName`: its field resolver, else its field (own or inherited). */
function sourceOf(storage: Meta, typeName: string, fieldName: string): { resolver?: ResolverMeta; field?: FieldMeta } {
  const classes: unknown[] = [...storage.objectTypes, ...storage.interfaceTypes]
    .filter((type) => type.name === typeName)
    .map((type) => type.target);
  for (let declaring of classes) {
    // An inherited field is declared on a parent class: walk up until one declares it.
    while (typeof declaring === 'function' && declaring !== Function.prototype) {
      const target = declaring;
      const field = storage.fields.find((it) => it.target === target && it.schemaName === fieldName);
      const resolver = storage.fieldResolvers.find((it) => it.schemaName === fieldName && it.getObjectType?.() === target);
      if (resolver || field) return { resolver, field };
      declaring = Object.getPrototypeOf(target);
    }
  }
  return {};
}

function classifyResolver(resolver: ResolverMeta, declared: string | undefined): FieldSharing {
  if (resolver.roles !== undefined)
    return { kind: 'perViewer', because: 'authorized', problem: declared && 'declared @Shareable but @Authorized' };
  if (resolver.middlewares?.length)
    return { kind: 'perViewer', because: 'middleware', problem: declared && 'declared @Shareable but runs middleware' };
  const takesContext = (resolver.params ?? []).some((param) => CONTEXT_PARAMS.has(param.kind));
  if (!takesContext)
    return { kind: 'shared', because: 'pure resolver', problem: declared && 'declared @Shareable but takes no context: nothing to review' };
  return declared ? { kind: 'shared', because: 'reviewed', reason: declared } : { kind: 'perViewer', because: 'takes the context' };
}

/** The root types' fields are resolved by queries, mutations and subscriptions, not field resolvers. */
function rootResolver(storage: Meta, schema: GraphQLSchema, type: GraphQLObjectType, fieldName: string): ResolverMeta | undefined {
  const handlers =
    type === schema.getQueryType()
      ? storage.queries
      : type === schema.getMutationType()
        ? storage.mutations
        : type === schema.getSubscriptionType()
          ? storage.subscriptions
          : [];
  return handlers.find((handler) => handler.schemaName === fieldName);
}

function classifyField(storage: Meta, schema: GraphQLSchema, type: GraphQLObjectType, fieldName: string): FieldSharing {
  if (fieldName.startsWith('__')) return { kind: 'shared', because: 'property' };
  const declared = type.getFields()[fieldName]?.extensions?.[SHAREABLE] as string | undefined;
  const root = rootResolver(storage, schema, type, fieldName);
  const { resolver, field } = root ? { resolver: root, field: undefined } : sourceOf(storage, type.name, fieldName);
  if (resolver) return classifyResolver(resolver, declared);
  if (!field) return { kind: 'perViewer', because: 'unknown', problem: 'no resolver or field metadata found' };
  if (field.roles !== undefined) return { kind: 'perViewer', because: 'authorized' };
  if (field.middlewares?.length) return { kind: 'perViewer', because: 'middleware' };
  return { kind: 'shared', because: 'property', problem: declared && 'declared @Shareable on a plain property' };
}

const classifications = new WeakMap<GraphQLSchema, Map<string, FieldSharing>>();

/** Every object field of the schema, `Type.field` → how it may be shared. Computed once per schema. */
export function fieldSharing(schema: GraphQLSchema): Map<string, FieldSharing> {
  let known = classifications.get(schema);
  if (known) return known;
  known = new Map();
  const storage = getMetadataStorage();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const fieldName of Object.keys(type.getFields()))
      known.set(`${type.name}.${fieldName}`, classifyField(storage, schema, type, fieldName));
  }
  classifications.set(schema, known);
  return known;
}

const perViewerOperations = new LRUCache<string, boolean>({ max: 10_000 });

/**
 * Whether an operation selects any field that is not proven shared (through fragments, and on
 * every possible type of an abstract one): then it must be executed for each viewer.
 */
export function selectsPerViewerField(schema: GraphQLSchema, document: DocumentNode, cacheKey: string): boolean {
  const cached = perViewerOperations.get(cacheKey);
  if (cached !== undefined) return cached;
  const sharing = fieldSharing(schema);
  const typeInfo = new TypeInfo(schema);
  let perViewer = false;
  const isShared = (typeName: string, fieldName: string) =>
    fieldName.startsWith('__') || sharing.get(`${typeName}.${fieldName}`)?.kind === 'shared';
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const name = node.name.value;
        if (!parent) perViewer = true;
        else if (isAbstractType(parent)) perViewer ||= schema.getPossibleTypes(parent).some((type) => !isShared(type.name, name));
        else perViewer ||= !isShared(getNamedType(parent).name, name);
      },
    }),
  );
  perViewerOperations.set(cacheKey, perViewer);
  return perViewer;
}

const perViewerParts = new WeakMap<GraphQLSchema, LRUCache<string, { part: DocumentNode | null }>>();

/**
 * The part of an operation that its per-viewer answers are made of: every field not proven shared,
 * with all it selects, and the fields and fragments that lead to one; every other field left out.
 * What is left out gives every viewer the same answer, so two viewers whose results of this part
 * are equal get equal results of the whole operation: one execution serves both (the fan-out in
 * subscriptions.ts). Null when nothing can be left out (a per-viewer root field).
 */
export function perViewerPart(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  cacheKey: string,
): DocumentNode | null {
  let cache = perViewerParts.get(schema);
  if (!cache) perViewerParts.set(schema, (cache = new LRUCache({ max: 1_000 })));
  let cached = cache.get(cacheKey);
  if (!cached) cache.set(cacheKey, (cached = { part: partOf(schema, document, operationName) }));
  return cached.part;
}

function partOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): DocumentNode | null {
  const operation = getOperationAST(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  const sharing = fieldSharing(schema);
  const fragments = new Map(
    document.definitions
      .filter((it): it is FragmentDefinitionNode => it.kind === Kind.FRAGMENT_DEFINITION)
      .map((it) => [it.name.value, it]),
  );
  const kept = new Map<string, FragmentDefinitionNode | null>();
  let leftOut = false;
  const isShared = (typeName: string, fieldName: string) => sharing.get(`${typeName}.${fieldName}`)?.kind === 'shared';
  /** Whether a field answers per viewer; fails closed on anything it cannot trace. */
  const perViewer = (parent: GraphQLCompositeType, name: string) => {
    if (name.startsWith('__')) return false;
    if (isAbstractType(parent)) return schema.getPossibleTypes(parent).some((type) => !isShared(type.name, name));
    return !isShared(parent.name, name);
  };
  const fragment = (name: string): FragmentDefinitionNode | null => {
    if (kept.has(name)) return kept.get(name)!;
    kept.set(name, null); // a cycle (refused by validation before) keeps nothing
    const definition = fragments.get(name);
    const type = definition && schema.getType(definition.typeCondition.name.value);
    const selectionSet = type && isCompositeType(type) ? prune(definition.selectionSet, type) : null;
    const result = selectionSet ? { ...definition!, selectionSet } : null;
    kept.set(name, result);
    return result;
  };
  const prune = (set: SelectionSetNode, parent: GraphQLCompositeType): SelectionSetNode | null => {
    const selections: SelectionNode[] = [];
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        if (fragment(selection.name.value)) selections.push(selection);
        else leftOut = true;
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        const inner = type && isCompositeType(type) ? prune(selection.selectionSet, type) : selection.selectionSet;
        if (inner) selections.push({ ...selection, selectionSet: inner });
        else leftOut = true;
        continue;
      }
      const name = selection.name.value;
      const field = isAbstractType(parent) && !isInterfaceType(parent) ? undefined : parent.getFields()[name];
      const type = field && getNamedType(field.type);
      if (perViewer(parent, name) || (selection.selectionSet && !(type && isCompositeType(type)))) {
        selections.push(selection);
        continue;
      }
      const inner = selection.selectionSet && type && isCompositeType(type) ? prune(selection.selectionSet, type) : null;
      if (inner) selections.push({ ...selection, selectionSet: inner });
      else leftOut = true;
    }
    return selections.length ? { ...set, selections } : null;
  };
  const selectionSet = prune(operation.selectionSet, root);
  if (!selectionSet || !leftOut) return null;
  const definitions = [...kept.values()].filter((it): it is FragmentDefinitionNode => it !== null);
  return { kind: Kind.DOCUMENT, definitions: [{ ...operation, selectionSet }, ...definitions] };
}
