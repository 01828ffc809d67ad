export * from './errors.js';
export type { SessionData, SessionLike, SessionInterface } from './session-interface.js';
export { Markup, escape } from './markup.js';
