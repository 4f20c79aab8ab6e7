/**
 * `npm run relay`: the relay alone, configured by the environment (docs/protocol.md §5).
 * Configuration mistakes print one sentence and exit 1; SIGTERM/SIGINT shut down gracefully.
 */
import { loadConfig } from './config.js';
import { startRelay } from './relay-server.js';
import { runRelayProcess } from './run.js';

runRelayProcess('santa-chat relay', async () => ({ relay: await startRelay(loadConfig(process.env)) }));
