/**
 * Every axe audit in these tests (`expect(element).to.be.accessible()`) also checks WCAG 2.2's
 * target size (2.5.8, AA): a control at least 24 × 24 CSS pixels, or one whose 24 px circle
 * meets no other control. axe-core ships that rule disabled; chai-a11y-axe runs the `axe` it
 * finds on `window`, so the rule is turned on here, once, before any audit.
 */
import 'axe-core/axe.min.js';

const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
axe.configure({ rules: [{ id: 'target-size', enabled: true }] });

/** The target-size rule's violations within `element`, as `selector: summary` lines. */
export async function targetSizeViolations(element: Element): Promise<string[]> {
  const results = await axe.run(element, { runOnly: ['target-size'], resultTypes: ['violations'] });
  return results.violations.flatMap((violation) => violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`));
}

/** The rules a default audit (as `to.be.accessible()` runs it) finds violated within `element`. */
export async function violatedRules(element: Element): Promise<string[]> {
  const results = await axe.run(element, { resultTypes: ['violations'] });
  return results.violations.map((violation) => violation.id);
}
