// micro-signed with SESSION_ABSOLUTE_LIFETIME set (8 hours): the creation time travels in
// the cookie and is checked on every open. For bench/feature-cost.mjs.
import { startMicro } from './lib/micro-app.mjs';

await startMicro({ SESSION_ABSOLUTE_LIFETIME: 8 * 3600 });
