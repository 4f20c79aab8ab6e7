/**
 * The element's base class on its own, in a real engine: what `<santa-chat>` relies on it for
 * (Lit's `ReactiveElement` did the same), where a mistake would not show in the element's
 * tests until some rare order of events.
 */
import { expect } from '@open-wc/testing';
import { css } from './css.js';
import { ReactiveBase, type ChangedProperties, type ReactiveController } from './reactive-base.js';

let defined = 0;

/** A fresh tag name: a definition lasts as long as the page. */
function tagName(): string {
  return `reactive-base-${++defined}`;
}

const sheet = css`
  :host {
    display: inline-block;
  }
`;

/** A small element of the shape `<santa-chat>` has, recording what it is called with. */
class Probe extends ReactiveBase {
  static override styles = sheet;
  static override properties = {
    label: {},
    groupId: { attribute: 'group-id' },
    open: { type: Boolean, reflect: true },
    theme: { reflect: true },
    callback: { attribute: false },
    busy: { state: true },
  };

  declare label: string | null;
  declare groupId: string;
  declare open: boolean;
  declare theme: string;
  declare callback: (() => void) | undefined;
  declare busy: boolean;

  /** The changed properties of each update, as old values, copied. */
  readonly updates: Array<Record<string, unknown>> = [];
  readonly calls: string[] = [];
  /** Called once, in the next `willUpdate` (a change there joins the update) or `updated` (a change there asks for another). */
  onWillUpdate: (() => void) | undefined;
  onUpdated: (() => void) | undefined;
  failNextUpdate = false;

  constructor() {
    super();
    this.label = '';
    this.groupId = '';
    this.open = false;
    this.theme = 'light';
    this.busy = false;
  }

  protected override willUpdate(): void {
    this.calls.push('willUpdate');
    this.onWillUpdate?.();
    this.onWillUpdate = undefined;
  }

  protected override update(changed: ChangedProperties<this>): void {
    super.update(changed);
    this.calls.push('update');
    if (this.failNextUpdate) {
      this.failNextUpdate = false;
      throw new Error('update failed');
    }
    this.updates.push(Object.fromEntries(changed));
  }

  protected override updated(): void {
    this.calls.push('updated');
    this.onUpdated?.();
    this.onUpdated = undefined;
  }
}

function define<T extends CustomElementConstructor>(element: T): { name: string; element: T } {
  const name = tagName();
  customElements.define(name, element);
  return { name, element };
}

/** Elements the test put in the document, removed after it. */
const created: Element[] = [];

function create(name: string, connect = true): Probe {
  const element = document.createElement(name) as Probe;
  created.push(element);
  if (connect) document.body.append(element);
  return element;
}

describe('ReactiveBase', () => {
  afterEach(() => created.splice(0).forEach((element) => element.remove()));

  it('observes the attributes of its declared properties: lower case, named, and none for attribute: false or state', () => {
    const { element } = define(class extends Probe {});
    expect(element.observedAttributes).to.deep.equal(['label', 'group-id', 'open', 'theme']);
  });

  it('updates once after it connects, in a microtask, with every property set until then', async () => {
    const { name } = define(class extends Probe {});
    const element = create(name, false);
    element.label = 'one';
    element.label = 'two';
    await Promise.resolve();
    expect(element.calls, 'no update before it connects').to.deep.equal([]);
    document.body.append(element);
    expect(element.calls, 'not yet: in a microtask').to.deep.equal([]);
    expect(await element.updateComplete).to.equal(true);
    expect(element.calls).to.deep.equal(['willUpdate', 'update', 'updated']);
    expect(element.updates).to.deep.equal([{ label: undefined, groupId: undefined, open: undefined, theme: undefined, busy: undefined }]);
  });

  it('batches changes into one update whose changed properties hold the values before the first change', async () => {
    const { name } = define(class extends Probe {});
    const element = create(name);
    await element.updateComplete;
    element.label = 'a';
    element.label = 'b';
    element.busy = true;
    element.groupId = '';
    await element.updateComplete;
    expect(element.updates.at(-1)).to.deep.equal({ label: '', busy: false });
    expect(element.calls.filter((call) => call === 'update')).to.have.length(2);
  });

  it('converts attributes to properties: String (null once removed) and Boolean (present or not)', async () => {
    const { name } = define(class extends Probe {});
    const element = create(name);
    element.setAttribute('label', 'hello');
    element.setAttribute('group-id', 'office');
    element.setAttribute('open', 'no matter what');
    expect([element.label, element.groupId, element.open]).to.deep.equal(['hello', 'office', true]);
    element.removeAttribute('label');
    element.removeAttribute('open');
    expect([element.label, element.open]).to.deep.equal([null, false]);
  });

  it('reflects properties to attributes at the update, and leaves an attribute that set its property as it is', async () => {
    const { name } = define(class extends Probe {});
    const element = create(name);
    await element.updateComplete;
    expect(element.getAttribute('theme'), 'the default, reflected').to.equal('light');
    expect(element.hasAttribute('open')).to.equal(false);
    element.open = true;
    element.theme = 'dark';
    expect(element.hasAttribute('open'), 'not before the update').to.equal(false);
    await element.updateComplete;
    expect([element.getAttribute('open'), element.getAttribute('theme')]).to.deep.equal(['', 'dark']);
    element.setAttribute('open', 'open');
    await element.updateComplete;
    expect(element.getAttribute('open'), 'not written back').to.equal('open');
    element.open = false;
    await element.updateComplete;
    expect(element.hasAttribute('open')).to.equal(false);
  });

  it('joins a change made in willUpdate to the update under way, and updates again for one made in updated', async () => {
    const { name } = define(class extends Probe {});
    const element = create(name);
    await element.updateComplete;
    element.calls.length = 0;
    element.onWillUpdate = () => (element.busy = true);
    element.label = 'x';
    await element.updateComplete;
    expect(element.calls).to.deep.equal(['willUpdate', 'update', 'updated']);
    expect(element.updates.at(-1)).to.deep.equal({ label: '', busy: false });
    element.calls.length = 0;
    element.onUpdated = () => (element.label = 'y');
    element.label = 'z';
    expect(await element.updateComplete, 'another update is pending').to.equal(false);
    expect(await element.updateComplete).to.equal(true);
    expect(element.calls).to.deep.equal(['willUpdate', 'update', 'updated', 'willUpdate', 'update', 'updated']);
    expect(element.updates.at(-1)).to.deep.equal({ label: 'z' });
  });

  it('keeps the values a host assigned before the element was defined', async () => {
    const name = tagName();
    const early = create(name, false);
    early.label = 'set early';
    early.open = true;
    document.body.append(early);
    customElements.define(name, class extends Probe {});
    expect(early).to.be.instanceOf(Probe);
    expect(Object.hasOwn(early, 'label'), 'the accessor is no longer hidden').to.equal(false);
    await early.updateComplete;
    expect([early.label, early.open, early.getAttribute('open')]).to.deep.equal(['set early', true, '']);
    early.label = 'later';
    await early.updateComplete;
    expect(early.updates.at(-1)).to.deep.equal({ label: 'set early' });
  });

  it('tells its controllers of connection, disconnection and each update, before updated()', async () => {
    const { name } = define(class extends Probe {});
    const element = create(name, false);
    const controller: ReactiveController = {
      hostConnected: () => element.calls.push('hostConnected'),
      hostDisconnected: () => element.calls.push('hostDisconnected'),
      hostUpdated: () => element.calls.push('hostUpdated'),
    };
    element.addController(controller);
    document.body.append(element);
    await element.updateComplete;
    element.remove();
    expect(element.calls).to.deep.equal(['hostConnected', 'willUpdate', 'update', 'hostUpdated', 'updated', 'hostDisconnected']);
  });

  it('adopts its styles into an open shadow root', async () => {
    const { name } = define(class extends Probe {});
    const element = create(name);
    expect(element.renderRoot).to.equal(element.shadowRoot);
    expect(element.renderRoot.adoptedStyleSheets).to.deep.equal([sheet]);
    expect(getComputedStyle(element).display).to.equal('inline-block');
  });

  it('waits in updateComplete for what a subclass adds in getUpdateComplete', async () => {
    let release = (): void => {};
    const { name } = define(
      class extends Probe {
        protected override async getUpdateComplete(): Promise<boolean> {
          const complete = await super.getUpdateComplete();
          await new Promise<void>((resolve) => (release = resolve));
          return complete;
        }
      },
    );
    const element = create(name);
    let done = false;
    void element.updateComplete.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve));
    expect([element.calls.includes('updated'), done]).to.deep.equal([true, false]);
    release();
    await new Promise((resolve) => setTimeout(resolve));
    expect(done).to.equal(true);
  });

  it('rejects updateComplete when an update throws, reports it, and goes on updating', async () => {
    const { name } = define(class extends Probe {});
    const element = create(name);
    await element.updateComplete;
    element.failNextUpdate = true;
    element.label = 'fails';
    const error = await element.updateComplete.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((error as Error).message).to.equal('update failed');
    const reported: unknown[] = [];
    const { reportError } = window;
    window.reportError = (thrown) => void reported.push(thrown);
    try {
      element.label = 'works';
      expect(await element.updateComplete).to.equal(true);
    } finally {
      window.reportError = reportError;
    }
    expect(reported).to.deep.equal([error]);
    expect(element.updates.at(-1)).to.deep.equal({ label: 'fails' });
  });
});
