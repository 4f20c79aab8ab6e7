// Builds the widget: the script-tag module (santa-chat.js, its lazily loaded panel chunk and the
// locale modules), an IIFE for pages without modules, and the bundler build (index.js).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { gzipSync, brotliCompressSync } from 'node:zlib';

// The script-tag build, gzipped (issue #14, docs/decisions/0016-lazy-panel.md): what a host
// page loads before the panel opens (santa-chat.js and its static imports) at most 16 KB, and
// the whole widget (with the lazily loaded panel) at most 24 KB. The build fails past either,
// so nothing grows past them unnoticed. Locales are apart: at most one loads, and only when
// `lang` asks for it.
const EAGER_GZIP_BUDGET_BYTES = 16 * 1024;
const TOTAL_GZIP_BUDGET_BYTES = 24 * 1024;

const LOCALES = ['de', 'es', 'fr', 'nl', 'pl'];
/** Each locale its own entry, so that `santa-chat/locales/de.js` has a stable name. */
const localeInputs = Object.fromEntries(LOCALES.map((locale) => [`locales/${locale}`, `widget/src/locales/${locale}.ts`]));

/**
 * Prints each file's sizes after each build; for an output with an entry `budgeted`, also its
 * eager part (the entry and its static imports) and its total (with the lazily imported
 * chunks, locales apart), and fails the build over either budget.
 */
function reportSize(budgeted) {
  return {
    name: 'report-size',
    generateBundle(options, bundle) {
      const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
      const gzipOf = new Map();
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const gzip = gzipSync(chunk.code, { level: 9 }).length;
        gzipOf.set(chunk.fileName, gzip);
        const brotli = brotliCompressSync(chunk.code).length;
        console.log(`${chunk.fileName}: ${kb(chunk.code.length)} min, ${kb(gzip)} gzip, ${kb(brotli)} brotli`);
      }
      const entry = budgeted && bundle[budgeted];
      if (!entry) return;
      const eager = new Set();
      const visit = (name) => {
        if (eager.has(name)) return;
        eager.add(name);
        for (const imported of bundle[name].imports) visit(imported);
      };
      visit(budgeted);
      const all = new Set(eager);
      const visitAll = (name) => {
        if (all.has(name) && !eager.has(name)) return;
        all.add(name);
        const chunk = bundle[name];
        for (const imported of [...chunk.imports, ...chunk.dynamicImports]) if (!imported.startsWith('locales/')) visitAll(imported);
      };
      for (const name of eager) for (const imported of bundle[name].dynamicImports) if (!imported.startsWith('locales/')) visitAll(imported);
      // Rollup never puts one module into two chunks, but two installed copies of a package
      // (one nested under another package, one at the top) would both ship.
      const copies = new Map();
      for (const name of all) {
        for (const id of Object.keys(bundle[name].modules)) {
          const within = id.split(/[\\/]node_modules[\\/]/).slice(1).pop();
          if (within) copies.set(within, new Set([...(copies.get(within) ?? []), id]));
        }
      }
      for (const [within, ids] of copies) if (ids.size > 1) this.error(`${within} ships ${ids.size} times: ${[...ids].join(', ')}`);
      const sum = (names) => [...names].reduce((total, name) => total + (gzipOf.get(name) ?? 0), 0);
      const eagerGzip = sum(eager);
      const totalGzip = sum(all);
      console.log(
        `${budgeted}: eager ${kb(eagerGzip)} gzip (budget ${kb(EAGER_GZIP_BUDGET_BYTES)}), ` +
          `total ${kb(totalGzip)} gzip with the panel (budget ${kb(TOTAL_GZIP_BUDGET_BYTES)}; locales apart)`,
      );
      if (eagerGzip > EAGER_GZIP_BUDGET_BYTES) this.error(`${budgeted} loads ${eagerGzip} bytes gzipped before the panel opens, over the ${kb(EAGER_GZIP_BUDGET_BYTES)} budget`);
      if (totalGzip > TOTAL_GZIP_BUDGET_BYTES) this.error(`the widget is ${totalGzip} bytes gzipped together, over the ${kb(TOTAL_GZIP_BUDGET_BYTES)} budget`);
    },
  };
}

/**
 * Drops the indentation inside the widget's Lit templates, which terser must keep because it
 * is part of the strings (0.3 KB gzipped). In `html` a run of whitespace with a line break
 * becomes one space, which renders the same outside `white-space: pre` (the message bubble is
 * `pre-wrap`, and its template holds nothing but the message). In `css`, comments go and
 * whitespace is collapsed, and removed next to `{ } ;` and after `,` and `:` (no selector here
 * has a space after a colon), and an attribute selector's value that is a word loses its quotes.
 * The source keeps its layout; only the bundle loses it.
 */
function minifyTemplateWhitespace() {
  const minifiers = {
    html: (text) => text.replace(/\s*\n\s*/g, ' '),
    css: (text) =>
      text
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\s+/g, ' ')
        .replace(/ ?([{};]) ?/g, '$1')
        .replace(/([,:]) /g, '$1')
        .replace(/;}/g, '}')
        .replace(/\[([\w-]+)='([\w-]+)'\]/g, '[$1=$2]'),
  };
  return {
    name: 'minify-template-whitespace',
    transform(code, id) {
      if (!id.includes('/widget/src/') || !/\b(?:html|css)\s*`/.test(code)) return null;
      const edits = [];
      const visit = (node) => {
        if (Array.isArray(node)) return node.forEach(visit);
        if (node === null || typeof node !== 'object') return;
        const minify = node.type === 'TaggedTemplateExpression' && node.tag.type === 'Identifier' && minifiers[node.tag.name];
        if (minify) for (const quasi of node.quasi.quasis) edits.push([quasi.start, quasi.end, minify(quasi.value.raw)]);
        for (const value of Object.values(node)) if (value && typeof value === 'object') visit(value);
      };
      visit(this.parse(code));
      let result = code;
      for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) result = result.slice(0, start) + text + result.slice(end);
      return { code: result, map: null };
    },
  };
}

// zod 4 trips these two warnings from node_modules; they are harmless (TOOLCHAIN.md).
function onwarn(warning, warn) {
  if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'INVALID_ANNOTATION') return;
  warn(warning);
}

// `sequences: false`: joining statements with commas makes the file smaller but gzips worse.
const plugins = (budgeted) => [
  nodeResolve({ browser: true }),
  typescript({ tsconfig: './widget/tsconfig.build.json' }),
  minifyTemplateWhitespace(),
  terser({ ecma: 2022, module: true, compress: { passes: 3, unsafe_arrows: true, sequences: false }, format: { comments: false } }),
  reportSize(budgeted),
];

// The package `santa-chat` is the widget/ folder; its builds land in widget/dist/.
export default [
  // For a script tag (what the relay serves at /santa-chat.js, and its chunks beside it): the
  // element and the launcher in santa-chat.js; the panel in chunks/panel-<hash>.js, imported
  // when a panel is first shown; each locale in locales/<lang>.js (a host's import, or `lang`).
  // Its entry exports what the package does but `DEFAULT_STRINGS`, whose panel half is in the
  // panel's chunk (script-tag.ts).
  {
    input: { 'santa-chat': 'widget/src/script-tag.ts', ...localeInputs },
    output: { dir: 'widget/dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    preserveEntrySignatures: 'allow-extension',
    plugins: plugins('santa-chat.js'),
    onwarn,
  },
  // For pages without modules: a classic script cannot load chunks, so the IIFE stays whole
  // (the panel and every locale inlined; not budgeted).
  {
    input: 'widget/src/santa-chat.ts',
    output: { file: 'widget/dist/santa-chat.iife.js', format: 'iife', name: 'SantaChat', sourcemap: true, inlineDynamicImports: true },
    plugins: plugins(),
    onwarn,
  },
  // For bundlers (`import 'santa-chat'`): no dependency to keep external (the element's base
  // class and the panel's templates are the widget's own, in base/); the panel and locale
  // chunks stay lazy for the host's bundler to split.
  {
    input: { index: 'widget/src/santa-chat.ts', ...localeInputs },
    output: { dir: 'widget/dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    preserveEntrySignatures: 'allow-extension',
    plugins: plugins(),
    onwarn,
  },
];
