// Builds the widget into one minified ESM file (and an IIFE for pages without modules).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { gzipSync, brotliCompressSync } from 'node:zlib';

// The whole widget, gzipped (issue #14: at most 24 KB together; the eager part's 16 KB waits for the split).
const GZIP_BUDGET_BYTES = 24 * 1024;

/** Prints the bundle's sizes after each build, and fails the build over the gzip budget. */
function reportSize() {
  return {
    name: 'report-size',
    generateBundle(options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const gzip = gzipSync(chunk.code, { level: 9 }).length;
        const brotli = brotliCompressSync(chunk.code).length;
        const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
        console.log(`${chunk.fileName}: ${kb(chunk.code.length)} min, ${kb(gzip)} gzip, ${kb(brotli)} brotli`);
        if (chunk.fileName === 'santa-chat.js' && gzip > GZIP_BUDGET_BYTES) {
          this.error(`santa-chat.js is ${kb(gzip)} gzipped, over the ${kb(GZIP_BUDGET_BYTES)} budget`);
        }
      }
    },
  };
}

/**
 * Drops the indentation inside the widget's Lit templates, which terser must keep because it
 * is part of the strings (0.3 KB gzipped). In `html` a run of whitespace with a line break
 * becomes one space, which renders the same outside `white-space: pre` (the message bubble is
 * `pre-wrap`, and its template holds nothing but the message). In `css`, comments go and
 * whitespace is collapsed, and removed next to `{ } ;` and after `,` and `:` (no selector here
 * has a space after a colon). The source keeps its layout; only the bundle loses it.
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
        .replace(/;}/g, '}'),
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
const plugins = () => [
  nodeResolve({ browser: true }),
  typescript({ tsconfig: './widget/tsconfig.build.json' }),
  minifyTemplateWhitespace(),
  terser({ ecma: 2022, module: true, compress: { passes: 3, unsafe_arrows: true, sequences: false }, format: { comments: false } }),
  reportSize(),
];

// The package `santa-chat` is the widget/ folder; its builds land in widget/dist/.
export default [
  // For a script tag (what the relay serves at /santa-chat.js): everything in one module.
  {
    input: 'widget/src/santa-chat.ts',
    output: { file: 'widget/dist/santa-chat.js', format: 'es', sourcemap: true },
    plugins: plugins(),
    onwarn,
  },
  {
    input: 'widget/src/santa-chat.ts',
    output: { file: 'widget/dist/santa-chat.iife.js', format: 'iife', name: 'SantaChat', sourcemap: true },
    plugins: plugins(),
    onwarn,
  },
  // For bundlers (`import 'santa-chat'`): Lit stays a dependency, so a site that uses Lit too
  // loads it once.
  {
    input: 'widget/src/santa-chat.ts',
    output: { file: 'widget/dist/index.js', format: 'es', sourcemap: true },
    external: (id) => id === 'lit' || id.startsWith('lit/') || id.startsWith('@lit/') || id.startsWith('lit-'),
    plugins: plugins(),
    onwarn,
  },
];
