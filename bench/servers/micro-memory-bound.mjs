// micro-memory whose login binds the session to its user (session.bindUser): each login
// also updates the user's index record. For bench/feature-cost.mjs.
import { startMicro } from './lib/micro-app.mjs';

await startMicro({ SESSION_TYPE: 'memory' }, { bindUser: true });
