// `micro routes`: Flask's `flask routes` table, its --sort and --all-methods.
import { describe, expect, it } from 'vitest';
import { App, Blueprint } from '../src/index.js';
import { formatRoutes } from '../src/cli-commands.js';
import { CliError } from '../src/cli/cli-error.js';

/** The app of Flask's own check (below), registered in the same order. */
function app(): App {
  const a = new App({ staticFolder: null });
  const bp = new Blueprint('auth', { urlPrefix: '/auth' });
  bp.route('/login', { methods: ['GET', 'POST'] })(function login() {
    return '';
  });
  a.route('/zeta')(function zeta() {
    return '';
  });
  a.route('/', { methods: ['POST'] })(function index() {
    return '';
  });
  a.delete('/items/<int:id>')(function remove() {
    return '';
  });
  a.registerBlueprint(bp);
  return a;
}

/**
 * What Flask 3.1 printed for the same app (`flask --app app routes -s <sort>`),
 * each line's trailing padding dropped.
 */
const FLASK: Record<string, string> = {
  endpoint: `Endpoint    Methods    Rule
----------  ---------  ---------------
auth.login  GET, POST  /auth/login
index       POST       /
remove      DELETE     /items/<int:id>
zeta        GET        /zeta`,
  methods: `Endpoint    Methods    Rule
----------  ---------  ---------------
remove      DELETE     /items/<int:id>
zeta        GET        /zeta
auth.login  GET, POST  /auth/login
index       POST       /`,
  rule: `Endpoint    Methods    Rule
----------  ---------  ---------------
index       POST       /
auth.login  GET, POST  /auth/login
remove      DELETE     /items/<int:id>
zeta        GET        /zeta`,
  match: `Endpoint    Methods    Rule
----------  ---------  ---------------
zeta        GET        /zeta
index       POST       /
remove      DELETE     /items/<int:id>
auth.login  GET, POST  /auth/login`,
};

describe('micro routes (flask routes)', () => {
  it.each(Object.keys(FLASK))('--sort %s prints what Flask prints', (sort) => {
    expect(formatRoutes(app(), { sort })).toBe(FLASK[sort]);
  });

  it('sorts by endpoint by default', () => {
    expect(formatRoutes(app())).toBe(FLASK.endpoint);
  });

  it('--all-methods adds HEAD and OPTIONS, as Flask', () => {
    expect(formatRoutes(app(), { allMethods: true })).toBe(`Endpoint    Methods                   Rule
----------  ------------------------  ---------------
auth.login  GET, HEAD, OPTIONS, POST  /auth/login
index       OPTIONS, POST             /
remove      DELETE, OPTIONS           /items/<int:id>
zeta        GET, HEAD, OPTIONS        /zeta`);
  });

  it('says so when there are no routes, and names the choices for an unknown sort', () => {
    expect(formatRoutes(new App({ staticFolder: null }))).toBe('No routes were registered.');
    expect(() => formatRoutes(app(), { sort: 'length' })).toThrow(CliError);
    expect(() => formatRoutes(app(), { sort: 'length' })).toThrow(/'endpoint', 'methods', 'rule', 'match'/);
  });
});
