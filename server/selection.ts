import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

const answers = new WeakMap<FieldNode, Map<string, boolean>>();

/**
 * Whether the operation asks for `path` below the field being resolved (through fragments; a
 * field under @skip or @include counts as asked for). Lets a resolver leave out of its SQL what
 * nobody reads, such as the body of every item of a feed page. Answers are kept per parsed
 * document, which the server caches.
 */
export function selects(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  const key = path.join('.');
  let known = answers.get(info.fieldNodes[0]);
  if (!known) answers.set(info.fieldNodes[0], (known = new Map()));
  let answer = known.get(key);
  if (answer === undefined) {
    answer = walk(info, info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : [])), path);
    known.set(key, answer);
  }
  return answer;
}

function walk(info: GraphQLResolveInfo, sets: SelectionSetNode[], path: readonly string[]): boolean {
  const [name, ...rest] = path;
  const fields: FieldNode[] = [];
  const collect = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === name) fields.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else {
        const fragment = info.fragments[selection.name.value];
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  sets.forEach(collect);
  if (!fields.length) return false;
  if (!rest.length) return true;
  return walk(info, fields.flatMap((field) => (field.selectionSet ? [field.selectionSet] : [])), rest);
}
