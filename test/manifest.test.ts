// custom-elements.json is complete and truthful: the analyzer runs with the package's config
// into a temporary folder, and what it writes is compared with what the widget's source does
// (the attributes `static properties` observes, the events of events.ts, the custom
// properties the styles read, the parts the templates render, the public members).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CEM = join(ROOT, 'node_modules/@custom-elements-manifest/analyzer/cem.js');
const CONFIG = 'widget/custom-elements-manifest.config.mjs';
const COMPONENT = 'widget/src/santa-chat.component.ts';
const INTERNAL = ['draft', 'preview', 'render', 'activeConversationId', 'confirmingSelfOuting'];

interface Typed {
  name: string;
  type?: { text: string };
  description?: string;
}
interface Attribute extends Typed {
  fieldName?: string;
}
interface Member extends Typed {
  kind: 'field' | 'method';
  privacy?: string;
  attribute?: string;
}
interface Declaration {
  kind: string;
  name: string;
  tagName?: string;
  attributes?: Attribute[];
  members?: Member[];
  events?: Typed[];
  cssProperties?: Typed[];
  cssParts?: Typed[];
}
interface Reference {
  name: string;
  module?: string;
  package?: string;
}
interface Manifest {
  modules: { path: string; declarations?: Declaration[]; exports?: { kind: string; name: string; declaration: Reference }[] }[];
}

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** The widget's shipped source: no tests, no test support. */
const sources = readdirSync(join(ROOT, 'widget/src'), { recursive: true })
  .map((entry) => join('widget/src', String(entry)))
  .filter((path) => path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.test-support.ts') && !path.endsWith('.d.ts'))
  .map((path) => ({ path, text: read(path) }));

const sorted = (names: Iterable<string>): string[] => [...new Set(names)].sort();

/** `static properties = { … }` of the element: property name → its options' source. */
function staticProperties(): Map<string, string> {
  const source = read(COMPONENT);
  const block = /static (?:override )?properties = \{\n([\s\S]*?)\n {2}\};/.exec(source)?.[1];
  assert.ok(block, `no static properties in ${COMPONENT}`);
  const properties = new Map<string, string>();
  for (const [, name, options] of block.matchAll(/^\s*(\w+): \{([^}]*)\},?$/gm)) properties.set(name!, options!);
  assert.ok(properties.size > 0, 'static properties parsed');
  return properties;
}

/** Attributes Lit observes: attribute name → property name (Lit lowercases unnamed ones). */
function observedAttributes(): Map<string, string> {
  const observed = new Map<string, string>();
  for (const [name, options] of staticProperties()) {
    if (/\battribute: false\b/.test(options) || /\bstate: true\b/.test(options)) continue;
    const named = /\battribute: '([^']+)'/.exec(options)?.[1];
    observed.set(named ?? name.toLowerCase(), name);
  }
  // Attributes the element adds to Lit's by overriding `observedAttributes` (the global `lang`).
  const extra = /get observedAttributes\(\)[^{]*\{\s*return \[\.\.\.super\.observedAttributes, ([^\]]*)\]/.exec(read(COMPONENT))?.[1] ?? '';
  // Their property is HTMLElement's own, not the element's: no field to link to.
  for (const [, name] of extra.matchAll(/'([^']+)'/g)) observed.set(name!, '');
  return observed;
}

const stateProperties = (): string[] => [...staticProperties()].filter(([, options]) => /\bstate: true\b/.test(options)).map(([name]) => name);

/** The public members the element's source declares: reactive properties, getters and methods. */
function publicMembersInSource(): string[] {
  const source = read(COMPONENT);
  const body = source.slice(source.indexOf('export class SantaChat'));
  const states = new Set(stateProperties());
  const declared = [...body.matchAll(/^ {2}declare (\w+)[:?]/gm)].map(([, name]) => name!).filter((name) => !states.has(name));
  const getters = [...body.matchAll(/^ {2}get (\w+)\(/gm)].map(([, name]) => name!);
  // Own methods only: `override` ones are Lit's lifecycle (render, updated, …).
  const methods = [...body.matchAll(/^ {2}(?:async )?(\w+)\([^)]*\)[^\n]*\{$/gm)].map(([, name]) => name!).filter((name) => name !== 'constructor');
  return sorted([...declared, ...getters, ...methods]);
}

/** `'santa-chat-…': DetailType` entries of SantaChatEventMap in events.ts. */
function eventMap(): Map<string, string> {
  const source = read('widget/src/events/events.ts');
  const block = /export interface SantaChatEventMap \{([\s\S]*?)\n\}/.exec(source)?.[1];
  assert.ok(block, 'no SantaChatEventMap in events.ts');
  const events = new Map<string, string>();
  for (const [, name, detail] of block.matchAll(/'(santa-chat-[a-z-]+)': ([^;]+);/g)) events.set(name!, detail!.trim());
  assert.ok(events.size > 0, 'events parsed');
  return events;
}

let outdir = '';
let manifest: Manifest;
let element: Declaration;

before(() => {
  outdir = mkdtempSync(join(tmpdir(), 'santa-chat-manifest-'));
  const packageJson = read('package.json');
  // cem joins --outdir to the working directory, so it gets a relative path.
  const run = spawnSync(process.execPath, [CEM, 'analyze', '--config', CONFIG, '--outdir', relative(ROOT, outdir)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, `cem analyze failed:\n${run.stdout}\n${run.stderr}`);
  assert.equal(read('package.json'), packageJson, 'cem must not rewrite package.json (packagejson: false)');
  manifest = JSON.parse(readFileSync(join(outdir, 'custom-elements.json'), 'utf8')) as Manifest;
  const elements = manifest.modules.flatMap((module) => module.declarations ?? []).filter((declaration) => declaration.tagName === 'santa-chat');
  assert.equal(elements.length, 1, 'one <santa-chat> declaration');
  element = elements[0]!;
});

after(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('custom-elements.json', () => {
  test('lists every observed attribute, typed and linked to its property, and no other', () => {
    const observed = observedAttributes();
    const attributes = new Map((element.attributes ?? []).map((attribute) => [attribute.name, attribute]));
    assert.deepEqual(sorted(attributes.keys()), sorted(observed.keys()));
    for (const [name, property] of observed) {
      const attribute = attributes.get(name)!;
      assert.ok(attribute.type?.text, `attribute ${name} has a type`);
      assert.ok(attribute.description, `attribute ${name} has a description`);
      if (property === '') continue;
      assert.equal(attribute.fieldName, property, `attribute ${name} links to the ${property} property`);
      const field = element.members?.find((member) => member.name === property);
      assert.equal(field?.attribute, name, `property ${property} links to the ${name} attribute`);
    }
  });

  test('lists every event of events.ts with its detail type, and no other', () => {
    const events = eventMap();
    const listed = new Map((element.events ?? []).map((event) => [event.name, event]));
    assert.deepEqual(sorted(listed.keys()), sorted(events.keys()));
    const entry = read('widget/src/santa-chat.ts');
    for (const [name, detail] of events) {
      assert.equal(listed.get(name)!.type?.text, `CustomEvent<${detail}>`, `${name} is typed with its detail`);
      assert.ok(listed.get(name)!.description, `${name} has a description`);
      assert.match(entry, new RegExp(`\\b${detail}\\b`), `${detail} is exported from the package entry`);
    }
  });

  test('lists every --santa-chat-* custom property the widget reads, and no other', () => {
    const used = sorted(sources.flatMap(({ text }) => text.match(/--santa-chat-[a-z0-9-]+/g) ?? []));
    const listed = element.cssProperties ?? [];
    assert.deepEqual(sorted(listed.map((property) => property.name)), used);
    for (const property of listed) assert.ok(property.description, `${property.name} has a description`);
  });

  test('lists every part the templates and the launcher render, and no other', () => {
    // `part="…"` in Lit templates, `part: '…'` among the attributes of the launcher's plain DOM.
    const parts = /\bpart="([^"$]+)"|\bpart: '([^']+)'/g;
    const used = sorted(sources.flatMap(({ text }) => [...text.matchAll(parts)].flatMap(([, inTemplate, inDom]) => (inTemplate ?? inDom)!.split(/\s+/))));
    assert.ok(used.length > 0, 'parts found in widget/src');
    const listed = element.cssParts ?? [];
    assert.deepEqual(sorted(listed.map((part) => part.name)), used);
    for (const part of listed) assert.ok(part.description, `part ${part.name} has a description`);
  });

  test('lists the public members the source declares, and nothing internal', () => {
    const members = element.members ?? [];
    const names = members.map((member) => member.name);
    assert.deepEqual(sorted(names), publicMembersInSource());
    for (const name of [...INTERNAL, ...stateProperties()]) {
      assert.ok(!names.includes(name), `${name} is internal`);
      assert.ok(!element.attributes?.some((attribute) => attribute.name === name || attribute.fieldName === name), `${name} is no attribute`);
    }
    for (const member of members) {
      assert.doesNotMatch(member.name, /^[_#]/, `${member.name} is private`);
      assert.ok(member.privacy !== 'private' && member.privacy !== 'protected', `${member.name} is ${member.privacy}`);
      assert.ok(member.description, `${member.name} has a description`);
    }
  });

  test('the JSX typings (widget/src/jsx/props.ts) take the same attributes, with the same types', () => {
    const props = read('widget/src/jsx/props.ts');
    const block = /export interface SantaChatAttributes \{([\s\S]*?)\n\}/.exec(props)?.[1];
    assert.ok(block, 'no SantaChatAttributes in props.ts');
    const typed = new Map([...block.matchAll(/^ {2}'?([\w-]+)'?\?: ([^;]+);$/gm)].map(([, name, type]) => [name!, type!]));
    const listed = new Map((element.attributes ?? []).map((attribute) => [attribute.name, attribute.type?.text]));
    assert.deepEqual(Object.fromEntries(typed), Object.fromEntries(listed));
  });

  test('points only at paths the package ships', () => {
    const references: Reference[] = [];
    for (const module of manifest.modules) {
      assert.match(module.path, /^dist\//, `module path ${module.path}`);
      for (const entry of module.exports ?? []) references.push(entry.declaration);
    }
    for (const reference of references.filter((reference) => !reference.package)) {
      assert.match(reference.module ?? '', /^dist\//, `${reference.name} is referenced from ${reference.module}`);
    }
    const definition = manifest.modules.flatMap((module) => module.exports ?? []).find((entry) => entry.kind === 'custom-element-definition');
    assert.deepEqual(definition, { kind: 'custom-element-definition', name: 'santa-chat', declaration: { name: 'SantaChat', module: 'dist/santa-chat.js' } });
    assert.ok(!JSON.stringify(manifest).includes('widget/src'), 'no source path anywhere');
  });
});
