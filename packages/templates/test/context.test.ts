/**
 * Flask's template context: request, session, g, config, url_for and
 * get_flashed_messages, context processors, and the filters, globals and
 * tests registered on the app and its blueprints.
 */
import { describe, expect, it } from 'vitest';
import { App, Blueprint, Forbidden, Markup, g, redirect } from '@micro/core';
import { flash, sessions } from '@micro/session';
import { renderTemplate, renderTemplateString, templates } from '@micro/templates';
import { folderWith } from './helpers.js';

function newApp(files: Record<string, string> = {}): App {
  const app = new App({ config: { TESTING: true, SECRET_KEY: 'test' } });
  app.rootPath = folderWith(Object.fromEntries(Object.entries(files).map(([n, t]) => [`templates/${n}`, t])));
  templates(app);
  return app;
}

describe('request, g, config', () => {
  it('shows request.args, request.path, request.headers and g as Flask templates read them', async () => {
    const app = newApp();
    app.beforeRequest(() => {
      g.user = { id: 1, username: 'ada' };
    });
    app.get('/search', () =>
      renderTemplateString(
        "{{ request.args['q'] }}|{{ request.args.get('q') }}|{{ request.args.getAll('tag')|join(',') }}|{{ request.path }}|{{ request.method }}|" +
          "{{ request.headers['X-Test'] }}|{{ g.user['username'] }}|{{ g.user.id }}|{{ g.missing }}|{{ config['TESTING'] }}|{{ config.SECRET_KEY }}",
      ),
    );
    const res = await app.testClient().get('/search?q=zoë&tag=a&tag=b', { headers: { 'X-Test': 'yes' } });
    expect(res.text).toBe('zoë|zoë|a,b|/search|GET|yes|ada|1||true|test');
  });

  it("shows the posted form, parsed or not by the view: request.form['title'] or post['title']", async () => {
    const app = newApp({
      'edit.html': `<input value="{{ request.form['title'] or post['title'] }}"><textarea>{{ request.form['body'] }}</textarea>`,
    });
    const post = { title: 'Stored' };
    app.route('/read', { methods: ['GET', 'POST'] })(async ({}, { request }) => {
      if (request.method === 'POST') await request.form();
      return renderTemplate('edit.html', { post });
    });
    app.post('/unread', () => renderTemplate('edit.html', { post }));
    const client = app.testClient();
    expect((await client.get('/read')).text).toBe('<input value="Stored"><textarea></textarea>');
    expect((await client.post('/read', { form: { title: 'New <title>', body: 'x' } })).text).toBe(
      '<input value="New &lt;title&gt;"><textarea>x</textarea>',
    );
    expect((await client.post('/read', { form: { title: '', body: '' } })).text).toBe('<input value="Stored"><textarea></textarea>');
    expect((await client.post('/unread', { form: { title: 'Posted' } })).text).toBe('<input value="Posted"><textarea></textarea>');
    expect((await client.post('/unread', { multipart: { title: 'Multi' } })).text).toBe('<input value="Multi"><textarea></textarea>');
  });

  it('url_for takes Jinja keyword arguments (values, _external, _anchor) and JS objects', async () => {
    const app = newApp();
    app.get('/post/<int:id>', function show() {
      return '';
    });
    // Core serves static/ under the 'static' endpoint; an app without that route gets one here.
    if (!app.viewFunctions.has('static')) app.get('/static/<path:filename>', { endpoint: 'static' }, () => '');
    app.get('/', () =>
      renderTemplateString(
        "{{ url_for('static', filename='style.css') }} {{ url_for('show', id=3, page=2) }} {{ url_for('show', id=3, _anchor='c', _external=true) }} " +
          "{{ urlFor('show', { id: 4 }) }} {{ urlFor('show', { id: 5 }, { external: true }) }}",
      ),
    );
    expect((await app.testClient().get('/')).text).toBe(
      '/static/style.css /post/3?page=2 http://localhost/post/3#c /post/4 http://localhost/post/5',
    );
  });
});

describe('session and flashed messages', () => {
  it('shows flashed messages after a redirect, with categories and a filter, Markup unescaped', async () => {
    const app = newApp({
      'base.html':
        '{% for message in get_flashed_messages() %}<p>{{ message }}</p>{% endfor %}' +
        "{% for category, message in get_flashed_messages(with_categories=true) %}<p class={{ category }}>{{ message }}</p>{% endfor %}" +
        "{% for message in get_flashed_messages(category_filter=['error']) %}<b>{{ message }}</b>{% endfor %}" +
        '{% for m in getFlashedMessages({ withCategories: true }) %}{{ m[0] }};{% endfor %}' +
        "{% for c, m in get_flashed_messages(true, ['message']) %}({{ c }}){% endfor %}",
    });
    sessions(app);
    app.post('/login', () => {
      flash('Welcome <back>');
      flash(new Markup('<em>Bad</em> password'), 'error');
      return redirect('/');
    });
    app.get('/', () => renderTemplate('base.html'));
    const client = app.testClient();
    const res = await client.post('/login', { followRedirects: true });
    expect(res.text).toBe(
      '<p>Welcome &lt;back&gt;</p><p><em>Bad</em> password</p>' +
        '<p class=message>Welcome &lt;back&gt;</p><p class=error><em>Bad</em> password</p>' +
        '<b><em>Bad</em> password</b>' +
        'message;error;' +
        '(message)',
    );
    expect((await client.get('/')).text).toBe('');
  });

  it("reads the session as session['key'] and session.get('key')", async () => {
    const app = newApp();
    sessions(app);
    app.get('/set', ({}, { session }) => {
      session.set('user_id', 7);
      return '';
    });
    app.get('/', () => renderTemplateString("{{ session['user_id'] }} {{ session.get('user_id') }} {{ session['nope'] }}|{{ 'user_id' in session }}"));
    const client = app.testClient();
    await client.get('/set');
    expect((await client.get('/')).text).toBe('7 7 |true');
  });

  it('without sessions, session is undefined and get_flashed_messages() is empty', async () => {
    const app = newApp();
    app.get('/', () => renderTemplateString('{{ session is defined }} {{ get_flashed_messages()|length }}'));
    expect((await app.testClient().get('/')).text).toBe('false 0');
  });

  it('a template that never reads the session does not open it (no Vary: Cookie)', async () => {
    const app = newApp();
    sessions(app);
    app.get('/', () => renderTemplateString('{{ 1 }}'));
    const res = await app.testClient().get('/');
    expect(res.headers.get('vary')).toBeNull();
  });
});

describe('context processors', () => {
  it("add the app's names to every template, a blueprint's to its own requests; the caller's names win", async () => {
    const app = newApp();
    const admin = new Blueprint('admin', { urlPrefix: '/admin' });
    app.contextProcessor(() => ({ site: 'Site', who: 'app' }));
    app.contextProcessor(async () => ({ later: await Promise.resolve('async') }));
    admin.contextProcessor(() => ({ who: 'admin', section: 'Admin' }));
    admin.appContextProcessor(() => ({ everywhere: 'yes' }));
    const source = '{{ site }} {{ who }} {{ section }} {{ later }} {{ everywhere }}';
    admin.get('/', function index() {
      return renderTemplateString(source);
    });
    admin.get('/override', function override() {
      return renderTemplateString(source, { who: 'caller' });
    });
    app.get('/', () => renderTemplateString(source));
    app.registerBlueprint(admin);
    const client = app.testClient();
    expect((await client.get('/')).text).toBe('Site app  async yes');
    expect((await client.get('/admin/')).text).toBe('Site admin Admin async yes');
    expect((await client.get('/admin/override')).text).toBe('Site caller Admin async yes');
  });

  it("run outer blueprints' processors before inner ones", async () => {
    const app = newApp();
    const outer = new Blueprint('outer');
    const inner = new Blueprint('inner');
    outer.contextProcessor(() => ({ a: 'outer', b: 'outer' }));
    inner.contextProcessor(() => ({ b: 'inner' }));
    inner.get('/x', function x() {
      return renderTemplateString('{{ a }} {{ b }}');
    });
    outer.registerBlueprint(inner, { urlPrefix: '/in' });
    app.registerBlueprint(outer, { urlPrefix: '/out' });
    expect((await app.testClient().get('/out/in/x')).text).toBe('outer inner');
  });
});

describe('filters, globals and tests', () => {
  it('registered on the app and from blueprints, in every form, with keyword arguments as a trailing object', async () => {
    const app = newApp();
    const bp = new Blueprint('shop');
    app.templateFilter(function reverse(s: string) {
      return [...s].reverse().join('');
    });
    app.templateFilter('pad')((s: string, options: { width?: number; char?: string } = {}) => s.padStart(options.width ?? 4, options.char ?? '.'));
    app.templateGlobal(function greet(name: string, options?: { punct?: string }) {
      return `hi ${name}${options?.punct ?? ''}`;
    });
    app.templateTest('short')((s: string, max = 3) => s.length <= max);
    bp.appTemplateFilter((n: number) => `$${n.toFixed(2)}`, 'price');
    bp.appTemplateGlobal(function currency() {
      return 'USD';
    });
    bp.appTemplateTest(function free(n: number) {
      return n === 0;
    });
    app.registerBlueprint(bp);
    app.get('/', () =>
      renderTemplateString(
        "{{ 'abc'|reverse }} {{ 'ab'|pad(width=5, char='-') }} {{ greet('ada', punct='!') }} {{ 'ab' is short }} {{ 'abcd' is short(4) }} " +
          '{{ 3|price }} {{ currency() }} {{ 0 is free }}',
      ),
    );
    expect((await app.testClient().get('/')).text).toBe('cba ---ab hi ada! true true $3.00 USD true');
  });

  it('filters get |safe values as Markup, and their Markup results are not escaped', async () => {
    const app = newApp();
    app.templateFilter(function bold(s: unknown) {
      return s instanceof Markup ? new Markup(`<b>${s}</b>`) : new Markup(`<b>${String(s).replace(/</g, '&lt;')}</b>`);
    });
    app.get('/', () => renderTemplateString("{{ '<i>'|bold }} {{ '<i>'|safe|bold }}"));
    expect((await app.testClient().get('/')).text).toBe('<b>&lt;i></b> <b><i></b>');
  });

  it('filters added after the first render are used by the next one', async () => {
    const app = newApp();
    app.get('/', () => renderTemplateString("{{ 'x'|late if 'late' in filters else 'none' }}", { filters: [...app.templateFilters.keys()] }));
    const client = app.testClient();
    expect((await client.get('/')).text).toBe('none');
    app.templateFilter(function late(s: string) {
      return s + '!';
    });
    expect((await client.get('/')).text).toBe('x!');
  });

  it('an HTTP error raised in a template function reaches the error handlers as itself', async () => {
    const app = newApp();
    app.templateGlobal(function requireAdmin() {
      throw new Forbidden('Admins only.');
    });
    app.errorHandler(403, () => ['no entry', 403]);
    app.get('/', () => renderTemplateString('{{ requireAdmin() }}'));
    const res = await app.testClient().get('/');
    expect([res.status, res.text]).toEqual([403, 'no entry']);
  });

  it("tojson writes JSON safe in a <script> and a single-quoted attribute, not escaped again (Flask's filter)", async () => {
    const app = newApp();
    app.get('/', () => renderTemplateString("<script>const d = {{ d|tojson }};</script><a data-x='{{ d|tojson }}'>{{ [1]|tojson(indent=1) }}", { d: { s: "</script><b>'&" } }));
    expect((await app.testClient().get('/')).text).toBe(
      '<script>const d = {"s":"\\u003c/script\\u003e\\u003cb\\u003e\\u0027\\u0026"};</script>' +
        '<a data-x=\'{"s":"\\u003c/script\\u003e\\u003cb\\u003e\\u0027\\u0026"}\'>[\n 1\n]',
    );
  });

  it('strftime formats dates as Python does, in UTC', async () => {
    const app = newApp();
    app.get('/', () =>
      renderTemplateString("{{ d|strftime('%Y-%m-%d %H:%M') }} {{ s|strftime('%d %b %Y') }}", { d: new Date(Date.UTC(2018, 0, 2, 3, 4)), s: '2018-01-01 00:00:00' }),
    );
    expect((await app.testClient().get('/')).text).toBe('2018-01-02 03:04 01 Jan 2018');
  });
});
