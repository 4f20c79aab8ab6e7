// Preloaded into every Node test process (test/run-node.mjs and test:e2e). With
// --test-force-exit, a test file's process exits as soon as its tests are done, and on Linux
// its results travel to the runner over a non-blocking pipe: the last results could still be
// buffered and were lost without a trace (a suite missing from the count, exit 0; nodejs/node
// issue 64833). Blocking writes on stdout and stderr make every result reach the runner first.
for (const stream of [process.stdout, process.stderr]) stream._handle?.setBlocking?.(true);
