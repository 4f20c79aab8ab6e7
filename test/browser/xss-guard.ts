/**
 * Imported first by xss-page.ts, so it is in place before the widget's code runs: every
 * `securitypolicyviolation` of the page, and the canary any executed payload calls.
 */
export const violations: Array<{ directive: string; blockedURI: string; sample: string }> = [];
export const executed: string[] = [];

document.addEventListener('securitypolicyviolation', (event) => {
  violations.push({ directive: event.effectiveDirective, blockedURI: event.blockedURI, sample: event.sample });
});
(window as unknown as { __xss: (name?: unknown) => void }).__xss = (name) => void executed.push(String(name));
