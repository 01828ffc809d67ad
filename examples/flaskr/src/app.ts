/** flaskr/__init__.py: the application factory. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type ConfigValues } from '@micro/core';
import { sessions } from '@micro/session';
import { templates } from '@micro/templates';
import * as auth from './auth.js';
import * as blog from './blog.js';
import * as db from './db.js';

/**
 * The example's folder: templates/, static/ and schema.sql are here, as in
 * Flask's flaskr package, whether this module runs from src/ or dist/.
 */
export const rootPath = fileURLToPath(new URL('..', import.meta.url));

/** Where the instance folder is: next to the app, as Flask puts it next to its package. */
export const instancePath = join(rootPath, 'instance');

/** Create and configure an instance of the micro application. */
export function createApp(testConfig?: Partial<ConfigValues>): App {
  const app = new App({ name: 'flaskr', rootPath });
  app.config.fromMapping({
    // a default secret that should be overridden by instance config
    SECRET_KEY: 'dev',
    // store the database in the instance folder
    DATABASE: join(instancePath, 'flaskr.sqlite'),
  });

  if (testConfig === undefined) {
    // load the instance config, if it exists, when not testing
    app.config.fromFile(join(instancePath, 'config.json'), JSON.parse, { silent: true });
  } else {
    // load the test config if passed in
    app.config.fromMapping(testConfig);
  }

  // ensure the instance folder exists
  mkdirSync(instancePath, { recursive: true });

  sessions(app);
  templates(app);

  app.get('/hello', function hello() {
    return 'Hello, World!';
  });

  // register the database commands
  db.initApp(app);

  // apply the blueprints to the app
  app.registerBlueprint(auth.bp);
  app.registerBlueprint(blog.bp);

  // make urlFor('index') == urlFor('blog.index')
  // in another app, you might define a separate main index here with
  // app.route, while giving the blog blueprint a urlPrefix, but for
  // the tutorial the blog will be the main index
  app.addUrlRule('/', blog.index, { endpoint: 'index' });

  return app;
}
