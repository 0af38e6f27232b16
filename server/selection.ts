import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

const answers = new WeakMap<FieldNode, Map<string, readonly FieldNode[]>>();

/**
 * The fields named by the last step of `path` below the field being resolved, through fragments
 * and aliases (a field under @skip or @include counts as asked for). Kept per parsed document,
 * which the server caches, so a hot resolver walks its selection once per distinct operation.
 */
function fieldsAt(info: GraphQLResolveInfo, path: readonly string[]): readonly FieldNode[] {
  const key = path.join('.');
  let known = answers.get(info.fieldNodes[0]);
  if (!known) answers.set(info.fieldNodes[0], (known = new Map()));
  let fields = known.get(key);
  if (!fields) {
    let found = info.fieldNodes;
    for (const name of path) found = childFields(info, found).filter((field) => field.name.value === name);
    known.set(key, (fields = found));
  }
  return fields;
}

function childFields(info: GraphQLResolveInfo, parents: readonly FieldNode[]): FieldNode[] {
  const fields: FieldNode[] = [];
  const collect = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
      else {
        const fragment = info.fragments[selection.name.value];
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  for (const parent of parents) if (parent.selectionSet) collect(parent.selectionSet);
  return fields;
}

const names = new WeakMap<readonly FieldNode[], ReadonlySet<string>>();

/**
 * The names of the fields the operation asks for on the object at `path` below the field being
 * resolved (an empty path: the resolved field's own object), so a resolver leaves out of its SQL
 * what nobody reads, such as the body of every item of a feed page.
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[]): ReadonlySet<string> {
  const parents = fieldsAt(info, path);
  let set = names.get(parents);
  if (!set) {
    set = new Set(childFields(info, parents).map((field) => field.name.value));
    names.set(parents, set);
  }
  return set;
}
