import { getMetadataStorage as validationMetadata } from 'class-validator';
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/**
 * What an operation costs to answer, counted once its variables are known (a validation rule
 * cannot see them, and Apollo validates a document once for all its requests): a leaf costs 1; a
 * field with a selection costs 2 plus 1.5 × its selection, times its page size. The page size is
 * `first` (or `last`): a literal, a variable's value, its default, else the field's maximum (so
 * `first: $a` without `$a` is counted at the most it could fetch). Fragments count where they are
 * spread. `__schema` is left to the depth and token limits (and is off in production).
 */
const LEAF_COST = 1;
const OBJECT_COST = 2;
const DEPTH_FACTOR = 1.5;
const PAGE_ARGUMENTS = ['first', 'last'];
/** When a field's maximum page size cannot be found (no @Max on its argument). */
const FALLBACK_MAXIMUM = 100;
/** GraphQL's Int is 32-bit. */
const MAX_INT = 2 ** 31 - 1;

type Variables = Record<string, unknown>;

const maximums = new WeakMap<GraphQLSchema, Map<string, number>>();

/** The class-validator @Max of each `first`/`last` argument, by `Type.field.argument`. */
function pageMaximums(schema: GraphQLSchema): Map<string, number> {
  let known = maximums.get(schema);
  if (known) return known;
  known = new Map();
  const storage = getMetadataStorage();
  const rootName = (handlers: unknown[]) =>
    handlers === storage.queries
      ? schema.getQueryType()?.name
      : handlers === storage.mutations
        ? schema.getMutationType()?.name
        : schema.getSubscriptionType()?.name;
  const objectName = (target: unknown) => storage.objectTypes.find((type) => type.target === target)?.name;
  for (const handlers of [storage.queries, storage.mutations, storage.subscriptions, storage.fieldResolvers]) {
    for (const handler of handlers as (typeof storage.fieldResolvers)[number][]) {
      const typeName = 'getObjectType' in handler && handler.getObjectType ? objectName(handler.getObjectType()) : rootName(handlers);
      for (const param of handler.params ?? []) {
        if (param.kind !== 'args') continue;
        const argsClass = param.getType() as new () => object;
        for (const rule of validationMetadata().getTargetValidationMetadatas(argsClass, '', true, false)) {
          if (rule.name === 'max' && PAGE_ARGUMENTS.includes(rule.propertyName))
            known.set(`${typeName}.${handler.schemaName}.${rule.propertyName}`, Number(rule.constraints[0]));
        }
      }
    }
  }
  maximums.set(schema, known);
  return known;
}

/**
 * How many items a field may return: the largest of its `first`/`last` arguments that were given,
 * each resolved as described above; when neither was given, its default (else its maximum); 1 for
 * a field that pages neither way.
 */
function pageSize(
  schema: GraphQLSchema,
  parent: GraphQLNamedType,
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Variables,
): number {
  const pageArguments = field.args.filter((arg) => PAGE_ARGUMENTS.includes(arg.name));
  if (!pageArguments.length) return 1;
  const sizeOf = (argument: GraphQLArgument, given: ValueNode | undefined): number => {
    let value: unknown;
    if (!given) value = argument.defaultValue;
    else if (given.kind === Kind.VARIABLE) value = Object.hasOwn(variables, given.name.value) ? variables[given.name.value] : undefined;
    else value = valueFromAST(given, argument.type);
    // Only a value GraphQL would accept as an Int counts as given; coercion refuses the others later.
    if (Number.isInteger(value) && Math.abs(value as number) <= MAX_INT) return Math.max(1, value as number);
    return pageMaximums(schema).get(`${parent.name}.${field.name}.${argument.name}`) ?? FALLBACK_MAXIMUM;
  };
  const given = pageArguments
    .map((argument) => [argument, node.arguments?.find((arg) => arg.name.value === argument.name)?.value] as const)
    .filter(([, value]) => value !== undefined);
  if (given.length) return Math.max(...given.map(([argument, value]) => sizeOf(argument, value)));
  // A list read either way (`first` or `last`) pages by whichever has a default when neither is given.
  const defaulted = pageArguments.filter((argument) => argument.defaultValue !== undefined);
  return Math.max(...(defaulted.length ? defaulted : pageArguments).map((argument) => sizeOf(argument, undefined)));
}

/** The operation's cost, with `variables` as sent (a variable's default applies when it is absent). */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, sent: Variables): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const variables: Variables = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (Object.hasOwn(sent, name) && sent[name] !== null) variables[name] = sent[name];
    else if (definition.defaultValue?.kind === Kind.INT) variables[name] = Number(definition.defaultValue.value);
  }
  // A fragment costs the same wherever it is spread: computed once, or fragments spreading fragments
  // twice over would cost exponential time to count.
  const fragmentCosts = new Map<string, number>();
  const fragmentCost = (name: string, parent: GraphQLNamedType | undefined): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    fragmentCosts.set(name, 0); // validation refuses cycles; never loop here all the same
    const cost = fragment ? selectionCost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? parent) : 0;
    fragmentCosts.set(name, cost);
    return cost;
  };
  const selectionCost = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        cost += selectionCost(selection.selectionSet, type ?? parent);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        cost += fragmentCost(selection.name.value, parent);
      } else cost += fieldCost(selection, parent);
    }
    return cost;
  };
  const fieldCost = (node: FieldNode, parent: GraphQLNamedType | undefined): number => {
    if (node.name.value === '__schema') return 0;
    if (!node.selectionSet) return LEAF_COST;
    const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[node.name.value] : undefined;
    const inner = OBJECT_COST + DEPTH_FACTOR * selectionCost(node.selectionSet, field ? getNamedType(field.type) : undefined);
    return parent && field ? inner * pageSize(schema, parent, field, node, variables) : inner;
  };
  return selectionCost(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined);
}
