import { runServerSideSuite } from './suite.js';

runServerSideSuite('MemoryStore', async () => ({ type: 'memory', configure() {} }), { storeName: 'memory' });
