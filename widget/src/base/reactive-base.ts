/**
 * The element's base class: the part of Lit's `ReactiveElement` that `<santa-chat>` uses, and
 * nothing more, so that what loads before the panel opens carries no part of Lit
 * (docs/decisions/0016-lazy-panel.md).
 * Lit's shapes are kept: `static properties` (which the custom-elements-manifest analyzer
 * reads), `static styles`, `requestUpdate()`, `willUpdate`/`update`/`updated` with the changed
 * properties, `updateComplete` through an overridable `getUpdateComplete()`, and controllers.
 *
 * Left out, because the element does not use them: converters other than String and Boolean,
 * `hasChanged`, `noAccessor`, `useDefault`, decorators, `shouldUpdate`, `firstUpdated`,
 * `hasUpdated`, `isUpdatePending`, `removeController`, a controller's `hostUpdate`, a
 * controller added after the element connected (the element adds its own in its constructor),
 * a subclass's own `static properties` (they would replace its parent's, not add to them),
 * and `<style>` fallbacks for engines without constructable stylesheets.
 */

/** How `static properties` declares a reactive property (Lit's options, those the element uses). */
export interface PropertyDeclaration {
  /** The attribute's name; `true` or unset: the property's, lower case; `false`: no attribute. */
  readonly attribute?: string | boolean;
  /** `Boolean`: the attribute's presence; `String` (default): its value, null when it is absent. */
  readonly type?: BooleanConstructor | StringConstructor;
  /** Writes the property to its attribute at each update after it changed (not when the attribute changed it). */
  readonly reflect?: boolean;
  /** Internal state: updates the element, has no attribute. */
  readonly state?: boolean;
}

/** Hooks into its host's lifecycle; it adds itself with `host.addController(this)`. */
export interface ReactiveController {
  hostConnected?(): void;
  hostDisconnected?(): void;
  /** After each update, before the host's `updated()`. */
  hostUpdated?(): void;
}

/** What a controller may ask of its host. */
export interface ReactiveControllerHost {
  addController(controller: ReactiveController): void;
  requestUpdate(): void;
  readonly updateComplete: Promise<boolean>;
}

/** The properties changed since the last update, each with its value before the first change. */
export type ChangedProperties<Host> = Map<keyof Host, unknown>;

/** A declared property's attribute, or undefined when it has none. */
function attributeOf(name: string, { attribute, state }: PropertyDeclaration): string | undefined {
  return state || attribute === false ? undefined : typeof attribute === 'string' ? attribute : name.toLowerCase();
}

/** The element seen as a record of its properties, for the accessors that read and write them by name. */
type Fields = Record<PropertyKey, unknown>;

export class ReactiveBase extends HTMLElement implements ReactiveControllerHost {
  /** The reactive properties; their accessors are made when the class is defined. */
  static properties: Record<string, PropertyDeclaration> = {};
  /** Adopted by each element's shadow root. */
  static styles: CSSStyleSheet | undefined;

  /**
   * The attributes of the declared properties. `customElements.define()` reads this once,
   * before any element of the class exists, so the property accessors are made here (on the
   * prototype of the class defined, which may be a subclass: hence `ReactiveBase.#…`).
   */
  static get observedAttributes(): string[] {
    const attributes: string[] = [];
    for (const [name, declaration] of Object.entries(this.properties)) {
      if (!Object.hasOwn(this.prototype, name)) ReactiveBase.#defineAccessor(this.prototype, name, declaration);
      const attribute = attributeOf(name, declaration);
      if (attribute) attributes.push(attribute);
    }
    return attributes;
  }

  /** An accessor that keeps the value under a symbol of its own and records each change. */
  static #defineAccessor(prototype: ReactiveBase, name: string, declaration: PropertyDeclaration): void {
    const key = Symbol(name);
    Object.defineProperty(prototype, name, {
      get(this: Fields) {
        return this[key];
      },
      set(this: ReactiveBase & Fields, value: unknown) {
        const old = this[key];
        if (Object.is(old, value)) return;
        this[key] = value;
        this.#changed(name, old, declaration);
      },
      configurable: true,
      enumerable: true,
    });
  }

  /** An open shadow root, with the class's styles adopted. */
  readonly renderRoot: ShadowRoot = this.attachShadow({ mode: 'open' });
  /** Properties changed since the last update, with their values before. */
  #changedProperties: ChangedProperties<this> = new Map();
  /** Reflected properties to write to their attributes at the next update. */
  #toReflect = new Set<string>();
  /** The property being copied between attribute and property, which must not copy back. */
  #copying: string | undefined;
  readonly #controllers: ReactiveController[] = [];
  /** Values assigned before the element was upgraded, applied at the first update. */
  readonly #early = new Map<string, unknown>();
  #pending = false;
  #enableUpdating!: () => void;
  /** The latest update; the first one waits until the element is first connected. */
  #update: Promise<boolean> = new Promise((resolve) => (this.#enableUpdating = () => resolve(true)));

  constructor() {
    super();
    const { properties, styles } = this.constructor as typeof ReactiveBase;
    if (styles) this.renderRoot.adoptedStyleSheets = [styles];
    // A host may assign a property before the element is defined: the value is then a plain
    // property of the element that hides the accessor. It is taken off and assigned again.
    for (const name in properties) {
      if (Object.hasOwn(this, name)) {
        this.#early.set(name, (this as unknown as Fields)[name]);
        delete (this as unknown as Fields)[name];
      }
    }
    this.requestUpdate();
  }

  addController(controller: ReactiveController): void {
    this.#controllers.push(controller);
  }

  connectedCallback(): void {
    this.#enableUpdating();
    for (const controller of this.#controllers) controller.hostConnected?.();
  }

  disconnectedCallback(): void {
    for (const controller of this.#controllers) controller.hostDisconnected?.();
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    const { properties } = this.constructor as typeof ReactiveBase;
    for (const [property, declaration] of Object.entries(properties)) {
      if (attributeOf(property, declaration) !== name || this.#copying === property) continue;
      this.#copying = property;
      (this as unknown as Fields)[property] = declaration.type === Boolean ? value !== null : value;
      this.#copying = undefined;
    }
  }

  /** Records a property's change and asks for an update. */
  #changed(name: string, old: unknown, { reflect }: PropertyDeclaration): void {
    const changed = this.#changedProperties as Map<PropertyKey, unknown>;
    if (!changed.has(name)) changed.set(name, old);
    if (reflect && this.#copying !== name) this.#toReflect.add(name);
    this.requestUpdate();
  }

  /**
   * Updates the element in a microtask, once for all the changes until then (and not before
   * it is first connected). A change during `willUpdate()` joins the update under way; a
   * change after it (in `update()` after `super.update()`, or in `updated()`) asks for another.
   */
  requestUpdate(): void {
    if (this.#pending) return;
    this.#pending = true;
    this.#update = this.#nextUpdate(this.#update);
  }

  async #nextUpdate(previous: Promise<boolean>): Promise<boolean> {
    // An update that threw is reported; the element goes on updating.
    await previous.catch(reportError);
    this.#performUpdate();
    return !this.#pending;
  }

  #performUpdate(): void {
    for (const [name, value] of this.#early) (this as unknown as Fields)[name] = value;
    this.#early.clear();
    const changed = this.#changedProperties;
    try {
      this.willUpdate(changed);
      this.update(changed);
    } catch (error) {
      this.#markUpdated();
      throw error;
    }
    for (const controller of this.#controllers) controller.hostUpdated?.();
    this.updated(changed);
  }

  /** Resolves with true once the element has updated and no other update is pending. */
  get updateComplete(): Promise<boolean> {
    return this.getUpdateComplete();
  }

  /** What `updateComplete` waits for; a subclass may wait for more. */
  protected getUpdateComplete(): Promise<boolean> {
    return this.#update;
  }

  /** Before `update()`: a change here joins this update. */
  protected willUpdate(_changed: ChangedProperties<this>): void {}

  /** Writes reflected properties to their attributes; a subclass renders after calling it. */
  protected update(_changed: ChangedProperties<this>): void {
    const { properties } = this.constructor as typeof ReactiveBase;
    for (const name of this.#toReflect) {
      const declaration = properties[name]!;
      const value = (this as unknown as Fields)[name];
      const attribute = attributeOf(name, declaration)!;
      this.#copying = name;
      if (declaration.type === Boolean ? !value : value == null) this.removeAttribute(attribute);
      else this.setAttribute(attribute, declaration.type === Boolean ? '' : String(value));
      this.#copying = undefined;
    }
    this.#markUpdated();
  }

  /** After each update and its controllers' `hostUpdated()`. */
  protected updated(_changed: ChangedProperties<this>): void {}

  #markUpdated(): void {
    this.#toReflect.clear();
    this.#changedProperties = new Map();
    this.#pending = false;
  }
}
