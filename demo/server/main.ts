/**
 * The demo's relay process (`npm start` runs it through `demo/start.mjs`): the relay with the
 * demo composed onto it, printing the demo's address.
 */
import { runRelayProcess } from '../../server/src/run.js';
import { loadDemoConfig } from './config.js';
import { startDemo } from './start.js';

runRelayProcess('santa-chat demo', async () => {
  const config = loadDemoConfig(process.env);
  const relay = await startDemo(config);
  const local = ['127.0.0.1', '::1', 'localhost'].includes(config.host);
  return {
    relay,
    banner: [`santa-chat demo: ${relay.demoUrl}`],
    warnings: local ? [] : ['santa-chat demo: warning: HOST is not local, so anyone who can reach it can mint demo tokens.'],
  };
});
