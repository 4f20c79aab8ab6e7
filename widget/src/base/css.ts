/**
 * `css` tags the element's and the panel's styles: a constructable stylesheet, made once per
 * module and adopted by every element's shadow root (every engine the widget targets adopts
 * constructed sheets). It stands in for Lit's `css` tag and takes no interpolations (the
 * type refuses them, so none is dropped unseen); the build's template minifier
 * (rollup.config.mjs) finds the styles by the tag's name.
 */
export function css(strings: TemplateStringsArray, ..._noInterpolations: never[]): CSSStyleSheet {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(strings[0] ?? '');
  return sheet;
}
