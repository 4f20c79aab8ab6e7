/**
 * The panel's templates: an `html` tag and `render()` of our own, in lit-html's shapes and
 * limited to what the panel's templates use (docs/decisions/0020-own-templates.md). lit-html
 * was 2.9 KB of the panel's 10.8 KB chunk (gzipped); this is 1.2 KB.
 *
 * As in lit-html, only a template's static strings are ever parsed as HTML, once per template
 * (its `<template>` is cached by the strings array); every value is set through the DOM: a
 * child value as a Text node's data (so message text is text, never markup), an attribute with
 * `setAttribute`, a property by assignment, a listener with `addEventListener`. A re-render
 * touches only the values that changed (compared with `!==`), and a child position given a
 * template of the same strings as before updates its nodes in place rather than replacing them
 * (an element that stays is not announced again by a screen reader, and keeps its focus).
 *
 * Bindings, by where the expression stands:
 * - child: `<p>${value}</p>`: text (a string, a number), a template, an array or other
 *   iterable of these (reused by index, as lit-html does), or nothing (`nothing`, null,
 *   undefined, '');
 * - attribute: `title=${v}`, or interpolated with static text (`class="a ${b} ${c}"`);
 *   `nothing` among the values removes the attribute, null and undefined count as '';
 * - `.name=${v}` sets a property, `?name=${v}` toggles a boolean attribute, `@name=${f}` adds a
 *   listener (called with the element as `this`; a changed function replaces the old one
 *   without touching the element).
 *
 * Left out on purpose, where the panel needs none: directives, keyed lists, SVG templates,
 * expressions inside `<textarea>`, `<style>` or comments, and names with capitals (the HTML
 * parser lowers attribute names: `@keydown`, `.value`). A template's static text may hold `<`
 * and `>` only as tag delimiters (write `&lt;` in text): they tell where an expression stands.
 * A template with an expression where none can stand throws when it is first rendered.
 */

/** Renders nothing in a child position; removes the attribute in an attribute position. */
export const nothing: unique symbol = Symbol();

export class TemplateResult {
  constructor(
    readonly strings: TemplateStringsArray,
    readonly values: readonly unknown[],
  ) {}
}

export const html = (strings: TemplateStringsArray, ...values: unknown[]): TemplateResult => new TemplateResult(strings, values);

/** Stands for an attribute's value in the parsed template, and for a child position as a comment's data. */
const MARKER = `sc${Math.random().toString(36).slice(2, 9)}`;

/** A binding of a template: the index of its node (elements and comments, in document order); for an attribute, its name and static strings. */
interface Binding {
  index: number;
  name?: string;
  statics?: string[];
}

interface Template {
  element: HTMLTemplateElement;
  bindings: Binding[];
}

const templates = new WeakMap<TemplateStringsArray, Template>();

/** Elements and comments (NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_COMMENT). */
const WALK = 129;

function templateOf(strings: TemplateStringsArray): Template {
  let template = templates.get(strings);
  if (!template) {
    let source = '';
    let inTag = false;
    const last = strings.length - 1;
    for (let i = 0; i < last; i++) {
      const text = strings[i]!;
      const open = text.lastIndexOf('<');
      const close = text.lastIndexOf('>');
      if (open !== close) inTag = open > close;
      source += text + (inTag ? MARKER : `<!--${MARKER}-->`);
    }
    const element = document.createElement('template');
    // A child position last in the template gets a comment after it to end at (not the end of whatever holds the template's nodes).
    element.innerHTML = source + (strings[last] || '<!---->');
    const bindings: Binding[] = [];
    const walker = document.createTreeWalker(element.content, WALK);
    for (let index = 0, node: Node | null; (node = walker.nextNode()); index++) {
      if (node instanceof Element) {
        for (const name of node.getAttributeNames()) {
          const value = node.getAttribute(name)!;
          if (value.includes(MARKER)) {
            bindings.push({ index, name, statics: value.split(MARKER) });
            node.removeAttribute(name);
          }
        }
      } else if ((node as Comment).data === MARKER) {
        bindings.push({ index });
      }
    }
    // An expression where none can stand (in a comment, a <textarea>, a duplicate attribute)
    // would shift every value after it: refuse the template instead.
    if (bindings.reduce((count, binding) => count + (binding.statics ? binding.statics.length - 1 : 1), 0) !== last) {
      throw new Error(`html: an expression has no place in ${strings.join('${}')}`);
    }
    templates.set(strings, (template = { element, bindings }));
  }
  return template;
}

interface Part {
  /** Sets the part from `values` at `from`; returns how many it took. */
  set(values: readonly unknown[], from: number): number;
}

/** A template's nodes, with its parts in the order its values come. */
function instantiate(template: Template): [DocumentFragment, Part[]] {
  const fragment = document.importNode(template.element.content, true);
  const walker = document.createTreeWalker(fragment, WALK);
  const parts: Part[] = [];
  let index = -1;
  let node: Node | null = null;
  for (const binding of template.bindings) {
    for (; index < binding.index; index++) node = walker.nextNode();
    parts.push(
      binding.name === undefined ? new ChildPart(node as ChildNode, (node as ChildNode).nextSibling) : new ElementPart(node as Element, binding.name, binding.statics!),
    );
  }
  return [fragment, parts];
}

function update(parts: Part[], values: readonly unknown[]): void {
  let from = 0;
  for (const part of parts) from += part.set(values, from);
}

/** A child position: what lies between `start` (a comment) and `end` (the next node, or the end of the parent when null). */
class ChildPart implements Part {
  readonly start: ChildNode;
  readonly #end: ChildNode | null;
  /** What is committed: nothing, a primitive (one Text node), a template's parts (with `#template`), or the parts of an iterable's items. */
  #value: unknown = nothing;
  #template: Template | undefined;

  constructor(start: ChildNode, end: ChildNode | null) {
    this.start = start;
    this.#end = end;
  }

  set(values: readonly unknown[], from: number): number {
    this.commit(values[from]);
    return 1;
  }

  commit(value: unknown): void {
    const template = value instanceof TemplateResult ? templateOf(value.strings) : undefined;
    if (template) {
      if (this.#template === template) {
        update(this.#value as Part[], (value as TemplateResult).values);
      } else {
        const [fragment, parts] = instantiate(template);
        update(parts, (value as TemplateResult).values);
        this.#clear();
        this.#insert(fragment);
        this.#value = parts;
      }
    } else if (value == null || value === nothing || value === '') {
      this.#clear();
      this.#value = nothing;
    } else if (typeof value !== 'string' && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function') {
      if (this.#template || !Array.isArray(this.#value)) {
        this.#clear();
        this.#value = [];
      }
      const items = this.#value as ChildPart[];
      let count = 0;
      for (const item of value as Iterable<unknown>) (items[count++] ??= new ChildPart(this.#insert(new Comment()), this.#insert(new Comment()))).commit(item);
      if (count < items.length) {
        this.#clear(items[count]!.start);
        items.length = count;
      }
    } else if (value !== this.#value) {
      // A primitive before this one left one Text node (a template's or a list's parts are objects).
      const text = this.start.nextSibling;
      if (this.#value !== nothing && typeof this.#value !== 'object' && text instanceof Text) {
        text.data = String(value);
      } else {
        this.#clear();
        this.#insert(new Text(String(value)));
      }
      this.#value = value;
    }
    this.#template = template;
  }

  #insert<T extends Node>(node: T): T {
    return this.start.parentNode!.insertBefore(node, this.#end);
  }

  /** Removes what lies from `from` up to the end. */
  #clear(from = this.start.nextSibling): void {
    while (from && from !== this.#end) {
      const next = from.nextSibling;
      from.remove();
      from = next;
    }
  }
}

/** An attribute (interpolated or whole), a property (`.`), a boolean attribute (`?`) or a listener (`@`) of an element. */
class ElementPart implements Part {
  readonly #element: Element;
  readonly #name: string;
  readonly #statics: string[];
  /** The values committed, once set. */
  #values: unknown[] | undefined;

  constructor(element: Element, name: string, statics: string[]) {
    this.#element = element;
    this.#name = name;
    this.#statics = statics;
  }

  set(values: readonly unknown[], from: number): number {
    const element = this.#element;
    const name = this.#name;
    const statics = this.#statics;
    const kind = name[0];
    const first = !this.#values;
    const committed = (this.#values ??= []);
    if (kind === '@' || kind === '.' || kind === '?') {
      const value = values[from];
      if (first || value !== committed[0]) {
        committed[0] = value;
        if (kind === '.') (element as unknown as Record<string, unknown>)[name.slice(1)] = value;
        else if (kind === '?') element.toggleAttribute(name.slice(1), !!value && value !== nothing);
        else if (first) element.addEventListener(name.slice(1), this);
      }
      return 1;
    }
    let changed = first;
    let remove = false;
    let text = statics[0]!;
    const taken = statics.length - 1;
    for (let i = 0; i < taken; i++) {
      const value = values[from + i];
      changed ||= value !== committed[i];
      committed[i] = value;
      remove ||= value === nothing;
      text += String(value ?? '') + statics[i + 1];
    }
    if (changed) {
      if (remove) element.removeAttribute(name);
      else element.setAttribute(name, text);
    }
    return taken;
  }

  /** A listener's (`@`) call: the function committed last. */
  handleEvent(event: Event): void {
    const listener = this.#values![0];
    if (typeof listener === 'function') listener.call(this.#element, event);
  }
}

const roots = new WeakMap<Node, ChildPart>();

/**
 * Renders `value` (as a child position would) into `container`, before `before` (or at its
 * end), and again with the new value on each call for the same place.
 */
export function render(value: unknown, container: Node, before: ChildNode | null = null): void {
  const key = before ?? container;
  let part = roots.get(key);
  if (!part) roots.set(key, (part = new ChildPart(container.insertBefore(new Comment(), before), before)));
  part.commit(value);
}
