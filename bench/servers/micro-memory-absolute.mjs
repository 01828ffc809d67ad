// micro-memory with SESSION_ABSOLUTE_LIFETIME set (8 hours): the creation time is kept in
// the record and checked on every open. For bench/feature-cost.mjs.
import { startMicro } from './lib/micro-app.mjs';

await startMicro({ SESSION_TYPE: 'memory', SESSION_ABSOLUTE_LIFETIME: 8 * 3600 });
