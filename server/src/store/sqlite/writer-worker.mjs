// The writer thread's entry point. Under tsx the relay's TypeScript loads through hooks that
// Node 20 does not give a worker: a Worker pointed at a .ts file fails with
// ERR_UNKNOWN_FILE_EXTENSION, even with execArgv ['--import', 'tsx']. So this plain module
// registers tsx in the worker, then loads the TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./writer-worker.ts');
