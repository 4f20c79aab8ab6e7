// An expression (a function of one spec) that finds what a person would see on a page: by
// role and accessible name, by text, or by CSS, through every open shadow root. The Firefox
// driver of the end-to-end test (driver-puppeteer.ts) evaluates it in the page, as Playwright's
// getByRole / getByText do for the Chromium driver. Plain JavaScript on purpose: it is sent to
// the page as source text. Returns the first visible match, or null.
(spec) => {
  const ROLES = {
    button: 'button, [role="button"], input[type="button"], input[type="submit"]',
    link: 'a[href], [role="link"]',
    heading: 'h1, h2, h3, h4, h5, h6, [role="heading"]',
    dialog: 'dialog, [role="dialog"]',
    textbox: 'textarea, input:not([type]), input[type="text"], [role="textbox"]',
  };
  const normal = (text) => (text ?? '').replace(/\s+/g, ' ').trim();
  const visible = (element) => {
    if (typeof element.checkVisibility === 'function') return element.checkVisibility({ visibilityProperty: true });
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  // Every element below `root`, in document order, through open shadow roots.
  const all = (root) => {
    const found = [];
    const visit = (node) => {
      if (node.shadowRoot) visit(node.shadowRoot);
      for (const child of node.children) {
        found.push(child);
        visit(child);
      }
    };
    visit(root);
    return found;
  };
  const nameOf = (element) => {
    const label = element.getAttribute('aria-label');
    if (label) return normal(label);
    const labelledBy = element.getAttribute('aria-labelledby');
    if (labelledBy) {
      const root = element.getRootNode();
      return normal(labelledBy.split(/\s+/).map((id) => root.getElementById?.(id)?.textContent ?? '').join(' '));
    }
    return normal(element.textContent);
  };
  const matches = (text, wanted, exact) => {
    if (wanted.regex) return new RegExp(wanted.regex, wanted.flags).test(text);
    return exact ? text === wanted.text : text.toLowerCase().includes(wanted.text.toLowerCase());
  };
  const findIn = (root, step) => {
    const elements = all(root).filter(visible);
    if (step.css) {
      return elements.find((element) => element.matches(step.css) && (step.hasText === undefined || normal(element.textContent).includes(step.hasText)));
    }
    if (step.role) {
      return elements.find((element) => element.matches(ROLES[step.role]) && (step.name === undefined || matches(nameOf(element), step.name, step.exact)));
    }
    // Text: the innermost elements whose text contains it.
    const holding = elements.filter((element) => matches(normal(element.textContent), step.text, step.exact));
    return holding.find((element) => !holding.some((other) => other !== element && element.contains(other)));
  };
  let root = document;
  for (const step of spec) {
    const found = findIn(root, step);
    if (!found) return null;
    root = found;
  }
  return root === document ? null : root;
}
