/**
 * Every axe audit in these tests (`expect(element).to.be.accessible()`) also checks WCAG 2.2's
 * target size (2.5.8, AA): a control at least 24 × 24 CSS pixels, or one whose 24 px circle
 * meets no other control. axe-core ships that rule disabled; chai-a11y-axe runs the `axe` it
 * finds on `window`, so the rule is turned on here, once, before any audit.
 */
import type { AxeResults } from 'axe-core';
import 'axe-core/axe.min.js';

interface AxeOnWindow {
  configure(spec: { rules: { id: string; enabled: boolean }[] }): void;
  run(context: Element, options: object): Promise<AxeResults>;
}

const axe = (window as unknown as { axe: AxeOnWindow }).axe;
axe.configure({ rules: [{ id: 'target-size', enabled: true }] });

/** The target-size rule's violations within `element`, as `selector: summary` lines. */
export async function targetSizeViolations(element: Element): Promise<string[]> {
  const results = await axe.run(element, { runOnly: ['target-size'], resultTypes: ['violations'] });
  return results.violations.flatMap((violation) => violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`));
}
