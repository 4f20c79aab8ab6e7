// Installed in every page of the end-to-end test's browser contexts (addInitScript). Plain
// JavaScript on purpose: functions serialized from TypeScript carry the transpiler's helpers.
(() => {
  const probe = {
    /** Content-Security-Policy violations: the demo pages must have none. */
    cspViolations: [],
    /** Moments the page contained one of `needles` (the santa's name and id, for a giftee). */
    leaks: [],
    /** `Date.now()` when a `santa-chat-message` with this content arrived. */
    arrivals: {},
    expectMessage(content) {
      document.querySelector('santa-chat')?.addEventListener('santa-chat-message', (event) => {
        if (event.detail.message.content === content) probe.arrivals[content] ??= Date.now();
      });
    },
  };
  window.__probe = probe;
  document.addEventListener('securitypolicyviolation', (event) => {
    probe.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
  });

  // Only the signed-in participant's page: the picker before sign-in lists everyone.
  const needles = location.pathname.endsWith('/pane.html') ? (window.__probeNeedles ?? []) : [];
  if (needles.length === 0) return;
  // The DOM and every shadow root (the widget renders in one), text and attributes alike.
  const collect = (root, parts) => {
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot) {
        parts.push(element.shadowRoot.innerHTML);
        collect(element.shadowRoot, parts);
      }
    }
  };
  setInterval(() => {
    if (!document.documentElement) return;
    const parts = [document.title, document.documentElement.outerHTML];
    collect(document, parts);
    const text = parts.join('\n');
    for (const needle of needles) {
      if (!text.includes(needle) || probe.leaks.some((leak) => leak.needle === needle)) continue;
      probe.leaks.push({ needle, url: location.href });
      // The test reads the console too, so a leak is kept across reloads.
      console.warn(`santa-chat-e2e leak: ${needle} in ${location.href}`);
    }
  }, 50);
})();
