import { Kind, visit, type DocumentNode, type ValueNode } from 'graphql';

/**
 * PostgreSQL text cannot hold a NUL character (and nothing a member writes needs one): a request
 * carrying one anywhere, in a variable or a literal argument, is refused before it runs, naming
 * where. One check for every field, rather than a 500 and a stack trace per text column.
 */
const NUL = '\u0000';

/** The path of the first string holding a NUL in `value` (`input.views.0.contentId`), or null. */
function nulIn(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulIn(item, `${path}.${index}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulIn(item, `${path}.${key}`) ?? (key.includes(NUL) ? `${path}.${key}` : null);
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

/** Where the request carries a NUL character (a variable's path, or an argument's), or null when it carries none. */
export function findNulCharacter(document: DocumentNode, variables: Record<string, unknown>): string | null {
  for (const [name, value] of Object.entries(variables)) {
    const found = nulIn(value, name);
    if (found) return found;
  }
  return nulInLiterals(document);
}
