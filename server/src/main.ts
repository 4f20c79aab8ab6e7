/**
 * The relay alone, configured by the environment (docs/protocol.md §5): what the
 * `santa-chat-relay` bin and `npm run relay` run. Configuration mistakes print one sentence and
 * exit 1; SIGTERM/SIGINT shut down gracefully.
 */
import { existsSync } from 'node:fs';
import { loadConfig } from './config.js';
import { startRelay, widgetBundlePath } from './relay-server.js';
import { runRelayProcess } from './run.js';

runRelayProcess('santa-chat relay', async () => {
  const relay = await startRelay(loadConfig(process.env));
  const bundle = widgetBundlePath();
  const warnings = existsSync(bundle)
    ? []
    : [`santa-chat relay: warning: the widget is not built (${bundle} is missing), so /santa-chat.js answers 404: run \`npm run build\`.`];
  return { relay, warnings };
});
