import { runUserSessionsSuite } from './user-sessions-suite.js';

runUserSessionsSuite('MemoryStore', async () => ({ type: 'memory', configure() {} }), { sharedAcrossApps: false });
