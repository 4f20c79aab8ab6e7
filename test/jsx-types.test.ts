// The JSX typings (widget/src/jsx/react.ts, preact.ts) type-check the way a React 19 or Preact
// app uses <santa-chat>, and refuse what the element does not take. Per framework, two small
// TSX files in a temporary folder (an app that must compile, and mistakes that each must fail)
// are compiled by the repository's tsc, once (the widget's types cost seconds), with the
// typings imported from source under the package's names (`santa-chat/react`, `…/preact`).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const folder = mkdtempSync(join(tmpdir(), 'santa-chat-jsx-'));

after(() => rmSync(folder, { recursive: true, force: true }));

/** Exact type equality, checked by the compiler: `check<Equal<A, B>>()` fails unless A is B. */
const HELPERS = `
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export function check<T extends true>(): T | void {}
`;

type Framework = 'react' | 'preact';

/** Compiles TSX files as a React 19 (`--jsx react-jsx`) or Preact (`--jsxImportSource preact`) app would. */
function typeCheck(framework: Framework, sources: Record<string, string>): Promise<{ code: number; output: string }> {
  const files = Object.entries(sources).map(([name, source]) => {
    writeFileSync(join(folder, `${name}.tsx`), source);
    return `${name}.tsx`;
  });
  const modules = (path: string) => join(ROOT, 'node_modules', path);
  const tsconfig = join(folder, `${framework}.tsconfig.json`);
  writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        jsx: 'react-jsx',
        ...(framework === 'preact' ? { jsxImportSource: 'preact' } : { typeRoots: [modules('@types')], types: ['react'] }),
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        skipLibCheck: true,
        // The package's names, pointing at the source; react and preact from this repository.
        paths: {
          'santa-chat': [join(ROOT, 'widget/src/santa-chat.ts')],
          'santa-chat/react': [join(ROOT, 'widget/src/jsx/react.ts')],
          'santa-chat/preact': [join(ROOT, 'widget/src/jsx/preact.ts')],
          react: [modules('@types/react')],
          'react/*': [modules('@types/react/*')],
          preact: [modules('preact')],
          'preact/*': [modules('preact/*')],
        },
      },
      files,
    }),
  );
  return new Promise((resolve) => {
    execFile(process.execPath, [TSC, '-p', tsconfig, '--pretty', 'false'], { cwd: folder }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** The same element, every attribute, property and event, for React's or Preact's JSX. */
function app(framework: Framework): string {
  const hooks = framework === 'react' ? 'react' : 'preact/hooks';
  return `import type {} from 'santa-chat/${framework}';
import { useRef } from '${hooks}';
import type {
  SantaChat,
  SantaChatConnectionDetail,
  SantaChatErrorDetail,
  SantaChatMessageDetail,
  SantaChatRevealDetail,
  SantaChatUnreadDetail,
} from 'santa-chat';
${HELPERS}
export const minimal = (
  <santa-chat server="https://chat.example.org" token="t" group-id="office" mode="inline" theme="dark" onsanta-chat-message={(event) => event.detail.conversationId} />
);

export function Inbox({ conversationId }: { conversationId: string }) {
  const ref = useRef<SantaChat>(null);
  return (
    <santa-chat
      ref={ref}
      class="chat"
      className="chat"
      style={{ '--santa-chat-accent': '#0b6e4f', '--santa-chat-own-bubble': '#dff5e9' }}
      lang="de"
      server="https://chat.example.org"
      token="t"
      group-id="office"
      conversation-id={conversationId}
      mode="launcher"
      theme="auto"
      open
      notifications={false}
      tokenProvider={async () => 'fresh'}
      strings={{ title: 'Wichteln' }}
      onsanta-chat-message={(event) => check<Equal<typeof event, CustomEvent<SantaChatMessageDetail>>>()}
      onsanta-chat-unread={(event) => check<Equal<typeof event.detail, SantaChatUnreadDetail>>()}
      onsanta-chat-connection={(event) => check<Equal<typeof event.detail, SantaChatConnectionDetail>>()}
      onsanta-chat-reveal={(event) => check<Equal<typeof event.detail, SantaChatRevealDetail>>()}
      onsanta-chat-error={(event) => check<Equal<typeof event.detail, SantaChatErrorDetail>>()}
    >
      <span>fallback</span>
    </santa-chat>
  );
}

export function refers(element: SantaChat | null) {
  return element?.messageMatch();
}
`;
}

/** Each line must fail, with the error that names the mistake. */
const MISTAKES: { jsx: string; error: RegExp }[] = [
  { jsx: `<santa-chat mode="sideways" />`, error: /"sideways"' is not assignable/ },
  { jsx: `<santa-chat theme="blue" />`, error: /"blue"' is not assignable/ },
  { jsx: `<santa-chat open="yes" />`, error: /'string' is not assignable to type 'boolean \| undefined'/ },
  { jsx: `<santa-chat onsanta-chat-message={(event) => event.detail.nope} />`, error: /'nope' does not exist on type 'SantaChatMessageDetail'/ },
  { jsx: `<santa-chat onsanta-chat-error={(event: CustomEvent<number>) => event} />`, error: /not assignable/ },
  { jsx: `<santa-chat tokenProvider={() => 'not a promise'} />`, error: /not assignable/ },
];

function mistakes(framework: Framework): string {
  return `import type {} from 'santa-chat/${framework}';\n${MISTAKES.map(({ jsx }, index) => `export const mistake${index} = ${jsx};`).join('\n')}\n`;
}

/** The app compiles; every mistake fails with its error; nothing else fails. */
function assertResult(framework: Framework, result: { code: number; output: string }): void {
  const errors = result.output.split('\n').filter((line) => /error TS\d+/.test(line));
  const inApp = errors.filter((message) => message.startsWith(`${framework}-app.tsx`));
  assert.deepEqual(inApp, [], `${framework}: the app should type-check`);
  assert.notEqual(result.code, 0, `${framework}: the mistakes type-checked`);
  MISTAKES.forEach(({ jsx, error }, index) => {
    const line = index + 2;
    const onLine = errors.filter((message) => message.startsWith(`${framework}-mistakes.tsx(${line},`));
    assert.ok(
      onLine.some((message) => error.test(message)),
      `${framework}: ${jsx} (line ${line}) should fail with ${error}; got:\n${onLine.join('\n') || result.output}`,
    );
  });
  assert.equal(errors.length, MISTAKES.length, `${framework}: one error per mistake, no others:\n${result.output}`);
}

describe('JSX types', { concurrency: true }, () => {
  for (const framework of ['react', 'preact'] as const) {
    const title = framework === 'react' ? 'React 19' : 'Preact';
    test(`${title}: <santa-chat> takes its attributes, properties, events, ref, class and style; a wrong value, detail or property fails`, async () => {
      const result = await typeCheck(framework, { [`${framework}-app`]: app(framework), [`${framework}-mistakes`]: mistakes(framework) });
      assertResult(framework, result);
    });
  }
});
