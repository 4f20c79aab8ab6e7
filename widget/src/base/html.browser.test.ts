/**
 * The panel's template engine on its own, in a real engine: what the panel relies on it for
 * (lit-html did the same), where a mistake would show in the element's tests only for some
 * rare sequence of renders.
 */
import { expect } from '@open-wc/testing';
import { html, nothing, render, type TemplateResult } from './html.js';

/** A fresh container in the page. */
function container(): HTMLElement {
  const element = document.createElement('div');
  document.body.append(element);
  return element;
}

/** Every DOM change under `root` while `act` runs. */
function mutations(root: Node, act: () => void): MutationRecord[] {
  const observer = new MutationObserver(() => undefined);
  observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
  act();
  const records = observer.takeRecords();
  observer.disconnect();
  return records;
}

/** The rendered markup, without the engine's marker comments. */
function markup(root: Element): string {
  return root.innerHTML.replace(/<!--[^>]*-->/g, '');
}

describe('html and render (base/html.ts)', () => {
  it('sets a value as text, never as markup', () => {
    const root = container();
    const hostile = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    render(html`<p>${hostile}</p>`, root);
    const p = root.querySelector('p')!;
    expect(p.textContent).to.equal(hostile);
    expect(p.children.length).to.equal(0);
    expect(root.querySelector('img')).to.equal(null);
    // An object shaped like a template result is not one: only `html` makes templates.
    render(html`<p>${{ strings: ['<i>x</i>'], values: [] }}</p>`, root);
    expect(root.querySelector('i')).to.equal(null);
    expect(root.querySelector('p')!.textContent).to.equal('[object Object]');
  });

  it('renders nothing for nothing, null, undefined and the empty string, and switches between text and templates', () => {
    const root = container();
    const view = (value: unknown) => html`<p>${value}</p>`;
    for (const empty of [nothing, null, undefined, '']) {
      render(view(empty), root);
      expect(root.querySelector('p')!.textContent).to.equal('');
    }
    render(view(42), root);
    expect(root.querySelector('p')!.textContent).to.equal('42');
    render(view(html`<b>${'x'}</b>`), root);
    expect(markup(root)).to.equal('<p><b>x</b></p>');
    render(view('text'), root);
    expect(markup(root)).to.equal('<p>text</p>');
    render(view(nothing), root);
    expect(markup(root)).to.equal('<p></p>');
  });

  it('changes a text in place: the same Text node, its data changed', () => {
    const root = container();
    const view = (value: string) => html`<p>${value}</p>`;
    render(view('one'), root);
    const textNode = [...root.querySelector('p')!.childNodes].find((node) => node instanceof Text)!;
    expect(textNode.data).to.equal('one');
    render(view('two'), root);
    expect([...root.querySelector('p')!.childNodes].find((node) => node instanceof Text)).to.equal(textNode);
    expect(textNode.data).to.equal('two');
  });

  it('sets whole and interpolated attributes; nothing removes one, null and undefined give the empty string', () => {
    const root = container();
    const view = (role: unknown, a: unknown, b: unknown) => html`<div role=${role} class="message ${a} ${b}" data-x="fixed"></div>`;
    render(view('log', 'own', 'sent'), root);
    const div = root.querySelector('div')!;
    expect(div.getAttribute('role')).to.equal('log');
    expect(div.getAttribute('class')).to.equal('message own sent');
    expect(div.getAttribute('data-x')).to.equal('fixed');
    render(view(nothing, '', null), root);
    expect(div.hasAttribute('role')).to.equal(false);
    expect(div.getAttribute('class')).to.equal('message  ');
    render(view(undefined, 'a', nothing), root);
    expect(div.getAttribute('role')).to.equal('');
    expect(div.hasAttribute('class')).to.equal(false);
    // No attribute name of the engine's own is left on the element.
    expect(div.getAttributeNames().sort()).to.deep.equal(['data-x', 'role']);
  });

  it('sets properties, toggles boolean attributes, and adds each listener once', () => {
    const root = container();
    const calls: string[] = [];
    let self: unknown;
    const first = function (this: unknown, event: Event) {
      self = this;
      calls.push(`first ${event.type}`);
    };
    const second = () => calls.push('second');
    const view = (value: string, disabled: boolean, onClick: unknown) =>
      html`<textarea .value=${value}></textarea><button ?disabled=${disabled} @click=${onClick}>b</button>`;
    render(view('draft', true, first), root);
    const textarea = root.querySelector('textarea')!;
    const button = root.querySelector('button')!;
    expect(textarea.value).to.equal('draft');
    expect(button.disabled).to.equal(true);
    expect(button.getAttributeNames()).to.deep.equal(['disabled']);
    render(view('draft', false, first), root);
    expect(button.disabled).to.equal(false);
    button.click();
    expect(calls).to.deep.equal(['first click']);
    expect(self).to.equal(button);
    render(view('draft', false, second), root);
    button.click();
    expect(calls).to.deep.equal(['first click', 'second']);
    // The property is set only when the rendered value changes: what the user typed since stays.
    textarea.value = 'typed';
    render(view('draft', false, second), root);
    expect(textarea.value).to.equal('typed');
    render(view('', false, nothing), root);
    expect(textarea.value).to.equal('');
    button.click();
    expect(calls).to.have.length(2);
  });

  it('keeps the nodes of the same template and changes only what changed; a render with the same values changes nothing', () => {
    const root = container();
    const item = (text: string, own: boolean) => html`<li class=${own ? 'own' : ''}><span>${text}</span></li>`;
    const view = (items: TemplateResult[]) => html`<ul>${items}</ul>`;
    render(view([item('a', true), item('b', false)]), root);
    const [a, b] = root.querySelectorAll('li');
    const changes = mutations(root, () => render(view([item('a', true), item('b', false)]), root));
    expect(changes).to.have.length(0);
    const changed = mutations(root, () => render(view([item('a', true), item('B', true)]), root));
    expect(changed.map((record) => record.type).sort()).to.deep.equal(['attributes', 'characterData']);
    expect(root.querySelectorAll('li')[0]).to.equal(a);
    expect(root.querySelectorAll('li')[1]).to.equal(b);
    expect(markup(root)).to.equal('<ul><li class="own"><span>a</span></li><li class="own"><span>B</span></li></ul>');
    // Another template in the same place replaces the nodes.
    render(html`<ul>${[html`<li><b>${'other'}</b></li>`]}</ul>`, root);
    expect(root.querySelector('li')).not.to.equal(a);
    expect(markup(root)).to.equal('<ul><li><b>other</b></li></ul>');
  });

  it('grows and shrinks a list, reusing items by index', () => {
    const root = container();
    const view = (items: string[]) => html`<ol>${items.map((text) => html`<li>${text}</li>`)}</ol><p>after</p>`;
    render(view(['1', '2']), root);
    const [one, two] = root.querySelectorAll('li');
    render(view(['1', '2', '3', '4']), root);
    expect([...root.querySelectorAll('li')].map((li) => li.textContent)).to.deep.equal(['1', '2', '3', '4']);
    expect(root.querySelectorAll('li')[0]).to.equal(one);
    expect(root.querySelectorAll('li')[1]).to.equal(two);
    render(view(['x']), root);
    expect(markup(root)).to.equal('<ol><li>x</li></ol><p>after</p>');
    expect(root.querySelector('li')).to.equal(one);
    render(view([]), root);
    expect(markup(root)).to.equal('<ol></ol><p>after</p>');
    render(view(['again']), root);
    expect(markup(root)).to.equal('<ol><li>again</li></ol><p>after</p>');
  });

  it('keeps a nested template that ends in an expression in its place among its siblings', () => {
    const root = container();
    const inner = (values: unknown[]) => html`${values}`;
    const view = (values: unknown[]) => html`<p>${inner(values)}<b>end</b></p><i>last</i>`;
    render(view(['a']), root);
    render(view(['a', 'b', html`<u>c</u>`]), root);
    expect(markup(root)).to.equal('<p>ab<u>c</u><b>end</b></p><i>last</i>');
    render(view([]), root);
    expect(markup(root)).to.equal('<p><b>end</b></p><i>last</i>');
  });

  it('renders before a given node, leaving what follows it alone, and again in the same place', () => {
    const root = container();
    const after = root.appendChild(document.createElement('aside'));
    render(html`<section>${'one'}</section>`, root, after);
    expect(markup(root)).to.equal('<section>one</section><aside></aside>');
    render(html`<section>${'two'}</section>`, root, after);
    expect(markup(root)).to.equal('<section>two</section><aside></aside>');
    render(nothing, root, after);
    expect(markup(root)).to.equal('<aside></aside>');
    expect(root.lastChild).to.equal(after);
  });

  it('refuses a template with an expression where none can stand, rather than shift the values after it', () => {
    const root = container();
    expect(() => render(html`<textarea>${'draft'}</textarea><p>${'after'}</p>`, root)).to.throw(/has no place/);
    expect(() => render(html`<!-- ${'in a comment'} --><p>${'after'}</p>`, root)).to.throw(/has no place/);
    expect(() => render(html`<p title=${'one'} title=${'two'}>${'text'}</p>`, root)).to.throw(/has no place/);
    expect(root.querySelector('p')).to.equal(null);
  });

  it('renders text, interpolated attributes and lists inside one template as the panel writes them', () => {
    const root = container();
    const status = 'sending';
    const link = 'https://example.com/a?b=1&c=<2>';
    render(
      html`<div class="message ${'own'} ${status}" data-key=${'k1'}>
        <div class="bubble" dir="auto">${['see ', html`<a href=${link} target="_blank">${link}</a>`, ' now']}</div>
      </div>`,
      root,
    );
    const anchor = root.querySelector('a')!;
    expect(anchor.getAttribute('href')).to.equal(link);
    expect(anchor.textContent).to.equal(link);
    expect(root.querySelector('.bubble')!.textContent).to.equal(`see ${link} now`);
    expect(root.querySelector('.message')!.className).to.equal('message own sending');
  });
});
