// Builds the widget into one minified ESM file (and an IIFE for pages without modules).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { gzipSync, brotliCompressSync } from 'node:zlib';

const GZIP_BUDGET_BYTES = 24 * 1024;

/** Prints the bundle's sizes after each build, and warns when over the gzip budget. */
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
          this.warn(`santa-chat.js is ${kb(gzip)} gzipped, OVER the ${kb(GZIP_BUDGET_BYTES)} budget`);
        }
      }
    },
  };
}

// zod 4 trips these two warnings from node_modules; they are harmless (TOOLCHAIN.md).
function onwarn(warning, warn) {
  if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'INVALID_ANNOTATION') return;
  warn(warning);
}

const plugins = () => [
  nodeResolve({ browser: true }),
  typescript({ tsconfig: './widget/tsconfig.build.json' }),
  terser({ ecma: 2022, module: true, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } }),
  reportSize(),
];

export default [
  {
    input: 'widget/src/santa-chat.ts',
    output: { file: 'dist/santa-chat.js', format: 'es' },
    plugins: plugins(),
    onwarn,
  },
  {
    input: 'widget/src/santa-chat.ts',
    output: { file: 'dist/santa-chat.iife.js', format: 'iife', name: 'SantaChat' },
    plugins: plugins(),
    onwarn,
  },
];
