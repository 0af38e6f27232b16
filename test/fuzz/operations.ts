import fc from 'fast-check';
import {
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { toLiteral, valueOf, type KnownValues } from './values';

/** One generated call of a root field, with where each argument went (variable or literal). */
export interface FuzzOperation {
  field: string;
  kind: 'query' | 'mutation' | 'subscription';
  query: string;
  variables: Record<string, unknown>;
}

/** An argument placed in the document: as a variable (declared with its type) or inlined as a literal. */
interface Placed {
  text: string;
  declaration?: string;
  variable?: [string, unknown];
}

function place(argument: GraphQLArgument, value: unknown, inline: boolean, name: string): Placed {
  if (inline) return { text: `${argument.name}: ${toLiteral(value, argument.type)}` };
  // A non-null argument with a default may take a nullable variable (the spec allows it), and null through it.
  const declared = isNonNullType(argument.type) && argument.defaultValue !== undefined ? argument.type.ofType : argument.type;
  return { text: `${argument.name}: $${name}`, declaration: `$${name}: ${declared.toString()}`, variable: [name, value] };
}

/** Arguments of `field`: each one given or not (required ones almost always), as variables or literals. */
function argumentsOf(field: GraphQLField<unknown, unknown>, known: KnownValues, prefix: string): fc.Arbitrary<Placed[]> {
  const each = field.args.map((argument, index) =>
    fc
      .tuple(fc.option(valueOf(argument.type, known), { freq: isNonNullType(argument.type) ? 30 : 3, nil: undefined }), fc.boolean())
      .map(([value, inline]) => (value === undefined ? null : place(argument, value, inline, `${prefix}${index}`))),
  );
  return fc.tuple(...each).map((placed) => placed.filter((one): one is Placed => one !== null));
}

/** A selection of `type`: its leaf fields without required arguments, and its object fields one level down (with their own arguments). */
function selectionOf(
  type: GraphQLNamedType,
  known: KnownValues,
  depth: number,
  prefix: string,
): fc.Arbitrary<{ text: string; placed: Placed[] }> {
  if (!isObjectType(type)) return fc.constant({ text: '', placed: [] });
  const fields = Object.values(type.getFields()).filter(
    (field) => !field.args.some((argument) => isNonNullType(argument.type) && argument.defaultValue === undefined),
  );
  const leaves = fields.filter((field) => isLeafType(getNamedType(field.type))).map((field) => field.name);
  const nested = depth > 0 ? fields.filter((field) => isObjectType(getNamedType(field.type))).slice(0, 4) : [];
  const parts = nested.map((field, index) =>
    fc
      .tuple(
        argumentsOf(field, known, `${prefix}n${index}_`),
        selectionOf(getNamedType(field.type), known, depth - 1, `${prefix}n${index}s`),
      )
      .map(([args, inner]) => ({
        text: `${field.name}${args.length ? `(${args.map((arg) => arg.text).join(', ')})` : ''} ${inner.text || '{ __typename }'}`,
        placed: [...args, ...inner.placed],
      })),
  );
  return fc.tuple(...parts).map((children) => ({
    text: `{ __typename ${leaves.join(' ')} ${children.map((child) => child.text).join(' ')} }`,
    placed: children.flatMap((child) => child.placed),
  }));
}

/** Generated calls of one root field, with random and edge arguments (see values.ts). */
export function operationsOf(schema: GraphQLSchema, rootName: string, fieldName: string, known: KnownValues): fc.Arbitrary<FuzzOperation> {
  const root = schema.getType(rootName);
  if (!isObjectType(root)) throw new Error(`${rootName} is not a root type`);
  const field = root.getFields()[fieldName];
  const kind = rootName.toLowerCase() as FuzzOperation['kind'];
  return fc.tuple(argumentsOf(field, known, 'a'), selectionOf(getNamedType(field.type), known, 1, 'b')).map(([args, selection]) => {
    const placed = [...args, ...selection.placed];
    const declarations = placed.flatMap((one) => (one.declaration ? [one.declaration] : []));
    const header = declarations.length ? `(${declarations.join(', ')})` : '';
    return {
      field: `${rootName}.${fieldName}`,
      kind,
      query: `${kind} Fuzz${header} { ${fieldName}${args.length ? `(${args.map((arg) => arg.text).join(', ')})` : ''} ${selection.text} }`,
      variables: Object.fromEntries(placed.flatMap((one) => (one.variable ? [one.variable] : []))),
    };
  });
}

/** Every root field, `Type.field`. */
export function rootFields(schema: GraphQLSchema): [rootName: string, fieldName: string][] {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((root) =>
    root ? Object.keys(root.getFields()).map((name): [string, string] => [root.name, name]) : [],
  );
}
