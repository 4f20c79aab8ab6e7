/**
 * The house rules of CONTRIBUTING.md, checked on the source tree: no source file over about
 * 400 lines and no function over about 60 unless a comment right above it says why (the
 * comment names it "long"); no import cycle between files or between folders on either side;
 * `widget/` and `server/` depend only on `protocol/`, `protocol/` on nothing of ours,
 * `storage/` on nothing in `client/`, and nothing under `server/src` on the demo.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SIDES = ['protocol', 'server/src', 'widget/src', 'demo/server'];
const MAX_FILE_LINES = 420;
const MAX_FUNCTION_LINES = 60;

/** Shipped source: TypeScript, not tests, test support or conformance suites. */
function sourceFiles(root: string): string[] {
  return readdirSync(join(ROOT, root), { recursive: true })
    .map((entry) => join(root, String(entry)))
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts') && !/\.test(-support)?\.ts$|\.test\.ts$|test-support|\.contract\.ts$/.test(path))
    .filter((path) => !path.includes('node_modules') && !path.includes('/dist/'))
    .sort();
}

const files = SIDES.flatMap(sourceFiles);

function parse(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(join(ROOT, path), 'utf8'), ts.ScriptTarget.ES2022, true);
}

function lineOf(source: ts.SourceFile, position: number): number {
  return source.getLineAndCharacterOfPosition(position).line + 1;
}

/** The comments right above a node (or above the statement that holds it), lower-cased. */
function leadingComment(source: ts.SourceFile, node: ts.Node): string {
  let holder: ts.Node = node;
  while (holder.parent && !ts.isSourceFile(holder.parent) && !ts.isClassLike(holder.parent) && !ts.isBlock(holder.parent)) {
    holder = holder.parent;
  }
  const ranges = ts.getLeadingCommentRanges(source.text, holder.getFullStart()) ?? [];
  return ranges.map((range) => source.text.slice(range.pos, range.end)).join('\n').toLowerCase();
}

function longFunctions(path: string): string[] {
  const source = parse(path);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const lines = lineOf(source, node.getEnd()) - lineOf(source, node.getStart()) + 1;
      if (lines > MAX_FUNCTION_LINES && !leadingComment(source, node).includes('long')) {
        const name = node.name && ts.isIdentifier(node.name) ? node.name.text : node.name?.getText(source) ?? '(anonymous)';
        found.push(`${path}:${lineOf(source, node.getStart())} ${name}: ${lines} lines`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Relative imports and re-exports of a file, as repository paths of `.ts` files. */
function importsOf(path: string): string[] {
  const source = parse(path);
  const targets: string[] = [];
  const add = (specifier: ts.Expression | undefined): void => {
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return;
    targets.push(normalize(join(dirname(path), specifier.text)).replace(/\.js$/, '.ts'));
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return targets;
}

const graph = new Map(files.map((path) => [path, importsOf(path)]));

/** Every cycle's path in a directed graph (one per strongly connected group is enough to report). */
function cycles(edges: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

function folderOf(path: string): string {
  return dirname(path);
}

describe('the house rules', () => {
  it('finds the source it checks', () => {
    assert.ok(files.length > 100, `${files.length} files`);
    assert.ok(files.includes('widget/src/santa-chat.component.ts') && files.includes('server/src/app.ts'));
  });

  it(`has no source file over ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map((path) => ({ path, lines: readFileSync(join(ROOT, path), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > MAX_FILE_LINES);
    assert.deepEqual(long, []);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines without a comment that says why`, () => {
    assert.deepEqual(files.flatMap(longFunctions), []);
  });

  it('has no import cycle between files', () => {
    const edges = new Map([...graph].map(([path, targets]) => [path, new Set(targets.filter((target) => graph.has(target)))]));
    assert.deepEqual(cycles(edges), []);
  });

  it('has no import cycle between folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const [path, targets] of graph) {
      const from = folderOf(path);
      const set = edges.get(from) ?? new Set<string>();
      for (const target of targets) if (graph.has(target) && folderOf(target) !== from) set.add(folderOf(target));
      edges.set(from, set);
    }
    assert.deepEqual(cycles(edges), []);
  });

  it('keeps the boundaries: widget and server only on protocol, protocol on nothing, storage not on client, the relay not on the demo', () => {
    const crossings: string[] = [];
    for (const [path, targets] of graph) {
      for (const target of targets) {
        const to = relative(ROOT, join(ROOT, target));
        const refuse = (why: string): void => void crossings.push(`${path} -> ${to}: ${why}`);
        if (path.startsWith('protocol/') && !to.startsWith('protocol/')) refuse('protocol imports nothing of ours');
        if (path.startsWith('widget/src/') && !to.startsWith('widget/src/') && !to.startsWith('protocol/')) refuse('the widget depends only on protocol');
        if (path.startsWith('server/src/') && !to.startsWith('server/src/') && !to.startsWith('protocol/')) refuse('the relay depends only on protocol');
        if (path.startsWith('widget/src/storage/') && to.startsWith('widget/src/client/')) refuse('storage imports nothing from client');
      }
    }
    assert.deepEqual(crossings, []);
  });

  it('would see a cycle and a long function (the checks can fail)', () => {
    assert.deepEqual(cycles(new Map([['a', new Set(['b'])], ['b', new Set(['a'])]])), ['a -> b -> a']);
    const body = Array.from({ length: MAX_FUNCTION_LINES + 1 }, (_, line) => `  const v${line} = ${line};`).join('\n');
    const source = ts.createSourceFile('x.ts', `function tooLong() {\n${body}\n}\n// Long, and says why.\nfunction allowed() {\n${body}\n}\n`, ts.ScriptTarget.ES2022, true);
    const names: string[] = [];
    source.forEachChild((node) => {
      if (ts.isFunctionDeclaration(node) && !leadingComment(source, node).includes('long')) names.push(node.name!.text);
    });
    assert.deepEqual(names, ['tooLong']);
  });
});
