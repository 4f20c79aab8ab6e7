// Custom Elements Manifest for the published package (the `widget/` folder):
//   npx cem analyze --config widget/custom-elements-manifest.config.mjs --outdir widget/dist
// The outdir is joined to the working directory (an absolute path does not work).
//
// The manifest describes the public API only, at the paths the package ships: the plugin below
// drops what is internal and points every module at the bundle, dist/santa-chat.js.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The one module the package ships that defines the element: the bundle. */
const PACKAGE_MODULE = 'dist/santa-chat.js';
const SOURCE = fileURLToPath(new URL('./src/santa-chat.component.ts', import.meta.url));

/** The element's source, relative to where cem runs (`widget/src/…` from the repository root). */
const glob = relative(process.cwd(), SOURCE).split('\\').join('/');

export default {
  globs: [glob],
  litelement: true,
  // cem would otherwise write `customElements` into the package.json of the working directory;
  // that field is kept by hand (dist/custom-elements.json).
  packagejson: false,
  plugins: [publicApiOnly()],
};

/**
 * (a) Drops members, attributes and events marked `@internal` or `@ignore`, Lit's `state: true`
 * properties, private and protected members, and `#`/`_` names; (b) points module paths and
 * declaration references (the superclass's too) at `dist/santa-chat.js`; (c) keeps the
 * attribute ↔ property links (`attribute` on the field, `fieldName` on the attribute) of what
 * remains.
 */
function publicApiOnly() {
  /** class name → names of its internal members */
  const internal = new Map();

  const isInternalJsDoc = (ts, node) =>
    ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal' || tag.tagName.text === 'ignore');

  function collectInternal(ts, classNode) {
    const names = new Set();
    for (const member of classNode.members) {
      const name = member.name && ts.isPrivateIdentifier(member.name) ? member.name.text : member.name?.getText();
      if (!name) continue;
      const hidden =
        isInternalJsDoc(ts, member) ||
        member.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
      if (hidden) names.add(name);
      // Lit's `static properties = { name: { state: true } }` (or `/** @internal */ name: {…}`).
      const isStatic = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
      if (isStatic && name === 'properties' && member.initializer && ts.isObjectLiteralExpression(member.initializer)) {
        for (const property of member.initializer.properties) {
          if (!ts.isPropertyAssignment(property)) continue;
          const options = property.initializer;
          const isState =
            ts.isObjectLiteralExpression(options) &&
            options.properties.some(
              (option) =>
                ts.isPropertyAssignment(option) &&
                option.name.getText() === 'state' &&
                option.initializer.kind === ts.SyntaxKind.TrueKeyword,
            );
          if (isState || isInternalJsDoc(ts, property)) names.add(property.name.getText().replace(/^['"]|['"]$/g, ''));
        }
      }
    }
    return names;
  }

  const isPrivateName = (name) => name.startsWith('#') || name.startsWith('_');

  return {
    name: 'santa-chat:public-api-only',
    analyzePhase({ ts, node }) {
      if (ts.isClassDeclaration(node) && node.name) internal.set(node.name.text, collectInternal(ts, node));
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        module.path = PACKAGE_MODULE;
        for (const declaration of module.declarations ?? []) {
          const hidden = internal.get(declaration.name) ?? new Set();
          const isHiddenMember = (member) =>
            hidden.has(member.name) || isPrivateName(member.name) || member.privacy === 'private' || member.privacy === 'protected';
          if (declaration.members) declaration.members = declaration.members.filter((member) => !isHiddenMember(member));
          const fields = new Map((declaration.members ?? []).filter((m) => m.kind === 'field').map((m) => [m.name, m]));
          if (declaration.attributes) {
            declaration.attributes = declaration.attributes.filter(
              (attribute) =>
                !hidden.has(attribute.name) &&
                !isPrivateName(attribute.name) &&
                (attribute.fieldName === undefined || fields.has(attribute.fieldName)),
            );
            for (const attribute of declaration.attributes) {
              // (c) An attribute the JSDoc declared by its HTML name, linked to its field.
              const field =
                (attribute.fieldName && fields.get(attribute.fieldName)) ??
                [...fields.values()].find((f) => f.attribute === attribute.name);
              if (field) {
                attribute.fieldName = field.name;
                field.attribute = attribute.name;
              }
            }
          }
          if (declaration.events) declaration.events = declaration.events.filter((event) => !hidden.has(event.name));
          for (const member of declaration.members ?? []) {
            if (member.inheritedFrom?.module) member.inheritedFrom.module = PACKAGE_MODULE;
          }
          // The element's base class (base/reactive-base.ts) is bundled into the same module.
          if (declaration.superclass?.module && !declaration.superclass.package) declaration.superclass.module = PACKAGE_MODULE;
        }
        for (const entry of module.exports ?? []) {
          if (entry.declaration?.module && !entry.declaration.package) entry.declaration.module = PACKAGE_MODULE;
        }
        // The bundle also registers the element (santa-chat.ts): say so, as tools look for it.
        for (const declaration of module.declarations ?? []) {
          const defined = module.exports?.some((e) => e.kind === 'custom-element-definition' && e.name === declaration.tagName);
          if (declaration.tagName && !defined) {
            module.exports = [
              ...(module.exports ?? []),
              { kind: 'custom-element-definition', name: declaration.tagName, declaration: { name: declaration.name, module: PACKAGE_MODULE } },
            ];
          }
        }
      }
    },
  };
}
