import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type StringValueNode,
} from 'graphql';

/**
 * IDs are UUIDs, which RFC 4122 reads in any case and writes in lower case. PostgreSQL compares
 * them so, but everything keyed by an id string does not: per-process caches (a session's roster
 * answered joins from a stale entry for an upper-case id after the registration was cancelled),
 * pub/sub topics (a subscription for an upper-case id heard nothing), and comparisons with the
 * viewer's own id. So every ID a request sends as a UUID is made lower case before anything runs,
 * in its variables and in the document's literals; any other ID is left as sent.
 */
const UUID_ANY_CASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const canonical = (id: string) => (id.length === 36 && UUID_ANY_CASE.test(id) ? id.toLowerCase() : id);

const isId = (type: GraphQLInputType) => getNamedType(type).name === 'ID';

/** Whether a value of `type` can hold an ID anywhere (through lists and input objects). */
function holdsId(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (named.name === 'ID') return true;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((field) => holdsId(field.type, seen));
}

/** `value` of `type` with its UUID IDs in lower case; other values unchanged (wrong ones are for coercion to refuse). */
function canonicalValue(value: unknown, type: GraphQLInputType): unknown {
  if (value === null || value === undefined) return value;
  if (isNonNullType(type)) return canonicalValue(value, type.ofType);
  if (isListType(type))
    return Array.isArray(value) ? value.map((item) => canonicalValue(item, type.ofType)) : canonicalValue(value, type.ofType);
  if (isInputObjectType(type)) {
    if (typeof value !== 'object' || Array.isArray(value)) return value;
    const fields = type.getFields();
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object))
      if (fields[key] && holdsId(fields[key].type)) object[key] = canonicalValue(object[key], fields[key].type);
    return object;
  }
  return typeof value === 'string' && isId(type) ? canonical(value) : value;
}

/** Per operation, its variables that can hold an ID and their types (most operations have none). */
const idVariables = new WeakMap<OperationDefinitionNode, [string, GraphQLInputType][]>();

/** Documents whose literal IDs are already canonical (Apollo hands the same parsed document to every request sending its text). */
const literalsDone = new WeakSet<DocumentNode>();

/**
 * Lower-cases the UUID IDs of a validated request in place: in `variables` (the object execution
 * will read) and in the document's ID literals (once per parsed document).
 */
export function canonicalizeIds(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): void {
  let withIds = idVariables.get(operation);
  if (!withIds) {
    withIds = (operation.variableDefinitions ?? []).flatMap((definition): [string, GraphQLInputType][] => {
      const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
      return type && holdsId(type) ? [[definition.variable.name.value, type]] : [];
    });
    idVariables.set(operation, withIds);
  }
  for (const [name, type] of withIds) if (name in variables) variables[name] = canonicalValue(variables[name], type);

  if (literalsDone.has(document)) return;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      [Kind.STRING](node: StringValueNode) {
        const type = typeInfo.getInputType();
        // Canonical in place: the same text always parses to the same document, so it stays correct for every request.
        if (type && isId(type)) (node as { value: string }).value = canonical(node.value);
      },
    }),
  );
  literalsDone.add(document);
}
