import 'reflect-metadata';
import { DateTimeScalar } from './scalars';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { modules } from '../schema/modules';
import type { ResolverClass } from './module';
import type { HearthPubSub } from './pubsub';
import { adaptTypeGraphQLSchema } from './type-graphql-adapter';

/** Every resolver class, from the module list. */
export const resolvers = modules.flatMap((module) => module.resolvers ?? []) as unknown as NonEmptyArray<ResolverClass>;

const authChecker = modules.find((module) => module.authChecker)?.authChecker;

export type { ResolverClass };

export interface SchemaOptions {
  /** For benchmarks and tests that compare a field against a baseline served by the same stack. */
  extraResolvers?: ResolverClass[];
  /** DIRECT_FIELD_RESOLVERS (server/type-graphql-adapter.ts); on unless said otherwise. */
  directFieldResolvers?: boolean;
}

export async function buildHearthSchema(
  pubSub: HearthPubSub,
  { extraResolvers = [], directFieldResolvers = true }: SchemaOptions = {},
): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...resolvers, ...extraResolvers] as typeof resolvers,
    authChecker,
    pubSub,
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    emitSchemaFile: false,
  });
  adaptTypeGraphQLSchema(schema, { directFieldResolvers });
  return schema;
}

/** The SDL committed as schema.graphql: sorted, so diffs show real changes only. */
export function printHearthSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
