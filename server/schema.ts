import 'reflect-metadata';
import { DateTimeScalar } from './scalars';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type BuildSchemaOptions, type NonEmptyArray, type PubSub } from 'type-graphql';
import { modules } from '../schema/modules';
import type { ResolverClass } from './module';
import { adaptTypeGraphQLSchema } from './type-graphql-adapter';
import { validateArgument } from './validation';

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

/**
 * type-graphql wants a PubSub for any schema with subscriptions, for those declared with `topics`.
 * Hearth's declare `subscribe` and read the instance's pub/sub from their context, so the schema
 * holds no instance's state (servers in one process can share it); this one only refuses.
 */
const noTopicSubscriptions: PubSub = {
  publish() {
    throw new Error('Hearth publishes through context.pubSub, not type-graphql topics');
  },
  subscribe() {
    throw new Error('Hearth subscriptions declare `subscribe` and read context.pubSub, not type-graphql topics');
  },
};

/** What type-graphql builds the schema from. */
export const schemaBuildOptions = (extraResolvers: ResolverClass[] = []): BuildSchemaOptions => ({
  resolvers: [...resolvers, ...extraResolvers] as typeof resolvers,
  authChecker,
  pubSub: noTopicSubscriptions,
  // Arguments are validated as type-graphql's `validate` would, class-validator loaded once (validation.ts).
  validateFn: validateArgument,
  scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
  emitSchemaFile: false,
});

export async function buildHearthSchema({ extraResolvers = [], directFieldResolvers = true }: SchemaOptions = {}): Promise<GraphQLSchema> {
  const schema = await buildSchema(schemaBuildOptions(extraResolvers));
  adaptTypeGraphQLSchema(schema, { directFieldResolvers });
  return schema;
}

/** The SDL committed as schema.graphql: sorted, so diffs show real changes only. */
export function printHearthSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
