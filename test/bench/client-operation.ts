import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode } from 'graphql';

/** client/operations, from test/bench (ts-jest) or dist/test/bench (the compiled bench). */
const OPERATIONS = [path.resolve(__dirname, '../../client/operations'), path.resolve(__dirname, '../../../client/operations')].find((dir) =>
  existsSync(dir),
)!;

/**
 * A named operation of the shipped client (client/operations/*.graphql) with the fragments it
 * spreads, as the client sends it: the bench measures what a real client asks, not a lighter query.
 */
export function clientOperation(name: string): string {
  const definitions: DefinitionNode[] = readdirSync(OPERATIONS)
    .filter((file) => file.endsWith('.graphql'))
    .flatMap((file) => parse(readFileSync(path.join(OPERATIONS, file), 'utf8')).definitions);
  const fragments = new Map(
    definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const operation = definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name);
  if (!operation) throw new Error(`client/operations has no operation ${name}`);
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: DefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !used.has(fragment.name.value)) {
          used.set(fragment.name.value, fragment);
          collect(fragment);
        }
      },
    });
  collect(operation);
  return [operation, ...used.values()].map((definition) => print(definition)).join('\n\n');
}
