import { Kind, visit, type DocumentNode, type ValueNode } from 'graphql';

/**
 * Text PostgreSQL would not store as sent is refused before the operation runs, naming where, in
 * a variable or a literal argument: one check for every field, rather than a 500 and a stack
 * trace (or a silent change) per text column.
 * - A NUL character: PostgreSQL text cannot hold one (and nothing a member writes needs one).
 * - A lone surrogate (half of a character outside the Basic Multilingual Plane, such as an emoji,
 *   left by a client that cut a string in the middle of one): it has no UTF-8 form, so the
 *   driver would store U+FFFD in its place while the mutation answered the text as sent.
 *   GraphQL's parser already refuses one in a literal.
 */
export type TextProblem = 'NUL' | 'LONE_SURROGATE';

export interface UnstorableText {
  /** `input.views.0.contentId`, `themeSlug` */
  path: string;
  problem: TextProblem;
}

const NUL = '\u0000';

const problemOf = (text: string): TextProblem | null => (text.includes(NUL) ? 'NUL' : text.isWellFormed() ? null : 'LONE_SURROGATE');

/** The first string in `value` that cannot be stored as sent, or null. */
function unstorableIn(value: unknown, path: string): UnstorableText | null {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    return problem ? { path, problem } : null;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unstorableIn(item, `${path}.${index}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = problemOf(key);
      const found = unstorableIn(item, `${path}.${key}`) ?? (keyProblem ? { path: `${path}.${key}`, problem: keyProblem } : null);
      if (found) return found;
    }
  }
  return null;
}

/** The path of the first literal string argument holding a NUL (`themeSlug`, `input.body`), or null. */
function nulInLiteral(value: ValueNode, path: string): string | null {
  switch (value.kind) {
    case Kind.STRING:
      return value.value.includes(NUL) ? path : null;
    case Kind.LIST:
      return value.values.reduce<string | null>((found, item, index) => found ?? nulInLiteral(item, `${path}.${index}`), null);
    case Kind.OBJECT:
      return value.fields.reduce<string | null>((found, field) => found ?? nulInLiteral(field.value, `${path}.${field.name.value}`), null);
    default:
      return null;
  }
}

/**
 * Per parsed document, the first literal argument holding a NUL, or null: Apollo parses each
 * distinct query text once and hands the same document to every request sending it, so a feed
 * page's document is walked once, not on every request.
 */
const literalNuls = new WeakMap<DocumentNode, string | null>();

function nulInLiterals(document: DocumentNode): string | null {
  let found = literalNuls.get(document);
  if (found === undefined) {
    let first: string | null = null;
    visit(document, {
      Argument(node) {
        first ??= nulInLiteral(node.value, node.name.value);
      },
    });
    literalNuls.set(document, (found = first));
  }
  return found;
}

/** Where the request carries text that cannot be stored as sent (a variable's path, or an argument's), or null when it carries none. */
export function findUnstorableText(document: DocumentNode, variables: Record<string, unknown>): UnstorableText | null {
  for (const [name, value] of Object.entries(variables)) {
    const found = unstorableIn(value, name);
    if (found) return found;
  }
  const literal = nulInLiterals(document);
  return literal ? { path: literal, problem: 'NUL' } : null;
}
