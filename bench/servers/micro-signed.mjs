// micro with its default session: Flask-compatible signed cookies.
import { startMicro } from './lib/micro-app.mjs';

await startMicro();
