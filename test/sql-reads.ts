import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { resolveImport, root } from './source-files';

/**
 * Finds the statements a file hands to `.execute(...)` (MikroORM's raw SQL) by reading its syntax
 * tree: a string or template, a `sql` tagged template, or a name / `.text` / call that leads to
 * one in the same file or a project file it imports. What cannot be followed is reported as such
 * (`text: null`): the check fails closed rather than trusting what it cannot see.
 */
export interface ExecutedStatement {
  file: string;
  line: number;
  /** The statement's text (interpolations as `?`), or null when the argument cannot be followed to one. */
  text: string | null;
}

const parsed = new Map<string, ts.SourceFile>();
const parse = (file: string) => {
  let source = parsed.get(file);
  if (!source) {
    source = ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    parsed.set(file, source);
  }
  return source;
};

type Declared = ts.Expression | ts.FunctionLikeDeclaration;

/** The block (or file) whose statements a declaration belongs to. */
const scopeOf = (node: ts.Node): ts.Node => {
  let scope = node.parent;
  while (!ts.isBlock(scope) && !ts.isSourceFile(scope) && !ts.isFunctionLike(scope)) scope = scope.parent;
  return scope;
};

/**
 * What `name` stands for where `usage` is (at the top of `file` without one): a const's
 * initializer or a function, the innermost declaration in scope, followed through imports.
 */
function declaration(
  file: string,
  name: string,
  known: ReadonlySet<string>,
  depth: number,
  usage?: ts.Node,
): { file: string; node: Declared } | null {
  if (depth > 8) return null;
  const source = parse(file);
  const candidates: { scope: ts.Node; found: () => { file: string; node: Declared } | null }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer) {
      const initializer = node.initializer;
      candidates.push({ scope: scopeOf(node), found: () => ({ file, node: initializer }) });
    } else if (ts.isFunctionDeclaration(node) && node.name?.text === name && node.body) {
      candidates.push({ scope: scopeOf(node), found: () => ({ file, node }) });
    } else if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.importClause?.namedBindings;
      const binding = named && ts.isNamedImports(named) ? named.elements.find((element) => element.name.text === name) : undefined;
      const target = binding ? resolveImport(file, node.moduleSpecifier.text, known) : null;
      if (binding && target) {
        candidates.push({ scope: source, found: () => declaration(target, (binding.propertyName ?? binding.name).text, known, depth + 1) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const inScope = candidates.filter(({ scope }) =>
    usage ? scope.getStart() <= usage.getStart() && usage.getEnd() <= scope.getEnd() : ts.isSourceFile(scope),
  );
  const innermost = inScope.sort((a, b) => b.scope.getStart() - a.scope.getStart() || a.scope.getEnd() - b.scope.getEnd())[0];
  return innermost ? innermost.found() : null;
}

/** The texts `node` can evaluate to, interpolations as `?` (null where it cannot be followed). */
function openings(file: string, node: Declared, known: ReadonlySet<string>, depth = 0): (string | null)[] {
  if (depth > 12) return [null];
  const follow = (next: Declared, inFile = file) => openings(inFile, next, known, depth + 1);
  if (ts.isFunctionLike(node)) {
    const body = (node as ts.FunctionLikeDeclaration).body;
    if (!body) return [null];
    if (!ts.isBlock(body)) return follow(body);
    const returned: ts.Expression[] = [];
    const visit = (child: ts.Node) => {
      if (ts.isReturnStatement(child) && child.expression) returned.push(child.expression);
      else if (!ts.isFunctionLike(child)) ts.forEachChild(child, visit);
    };
    ts.forEachChild(body, visit);
    return returned.length ? returned.flatMap((expression) => follow(expression)) : [null];
  }
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) {
    // A statement that opens with an interpolation (`${fragment} ...`) opens with that fragment.
    const rest = node.templateSpans.map((span) => ` ? ${span.literal.text}`).join('');
    if (node.head.text.trim() === '') return follow(node.templateSpans[0].expression).map((text) => (text === null ? null : text + rest));
    return [node.head.text + rest];
  }
  if (ts.isTaggedTemplateExpression(node)) return follow(node.template);
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node)) {
    return follow(node.expression);
  }
  if (ts.isConditionalExpression(node)) return [...follow(node.whenTrue), ...follow(node.whenFalse)];
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return follow(node.left);
  if (ts.isPropertyAccessExpression(node) && node.name.text === 'text') return follow(node.expression);
  if (ts.isIdentifier(node)) {
    const found = declaration(file, node.text, known, 0, node);
    return found ? follow(found.node, found.file) : [null];
  }
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
    const found = declaration(file, node.expression.text, known, 0, node);
    return found && (ts.isFunctionLike(found.node) || ts.isArrowFunction(found.node)) ? follow(found.node, found.file) : [null];
  }
  return [null];
}

/**
 * Every `.execute(statement, ...)` in `file` with the statement's text (QueryBuilder's `execute()`
 * has none), and every `readRows(em, statement, ...)` (server/db/read-query: a prepared read,
 * whatever its text says).
 */
export function executedStatements(file: string, known: ReadonlySet<string>): ExecutedStatement[] {
  const source = parse(file);
  const found: ExecutedStatement[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'execute' && node.arguments.length > 0) {
        for (const text of openings(file, node.arguments[0], known)) found.push({ file, line, text });
      } else if (ts.isIdentifier(callee) && callee.text === 'readRows') {
        found.push({ file, line, text: 'select … (readRows)' });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const withoutComments = (text: string) => text.replace(/--[^\n]*\n|\/\*[\s\S]*?\*\//g, ' ').trimStart();

/**
 * A read: a statement that opens with `select` or `with` and neither changes rows (a `with` whose
 * body inserts, updates or deletes) nor locks them for a write that follows in the same
 * transaction (`for update` / `for share`): those belong to the writer.
 */
export function isRead(text: string): boolean {
  const statement = withoutComments(text);
  if (!/^(select|with)\b/i.test(statement)) return false;
  if (/\bfor\s+(no\s+key\s+)?(update|share|key\s+share)\b/i.test(statement)) return false;
  return !(/^with\b/i.test(statement) && /\b(insert\s+into|update\s+\w+(\s+\w+)?\s+set|delete\s+from)\b/i.test(statement));
}
