// micro-signed whose login binds the session to its user (session.bindUser, without the
// user agent), as an app using SESSION_VALID_AFTER does: the binding travels in the cookie. For bench/feature-cost.mjs.
import { startMicro } from './lib/micro-app.mjs';

await startMicro({ SESSION_VALID_AFTER: () => null }, { bindUser: true, bindUserAgent: false });
