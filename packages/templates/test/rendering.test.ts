/**
 * What templates can do, driven through an app and its test client:
 * inheritance, include, macros, loops, filters, autoescape by file
 * extension, and micro's Markup.
 */
import { describe, expect, it } from 'vitest';
import { App, Markup, escape } from '@micro/core';
import { renderTemplate, renderTemplateString, templates } from '@micro/templates';
import { folderWith } from './helpers.js';

function appWith(files: Record<string, string>): App {
  const app = new App({ config: { TESTING: true } });
  app.rootPath = folderWith(Object.fromEntries(Object.entries(files).map(([n, t]) => [`templates/${n}`, t])));
  templates(app);
  return app;
}

async function page(app: App, view: () => unknown): Promise<string> {
  app.get('/', view as never);
  const res = await app.testClient().get('/');
  expect(res.status).toBe(200);
  return res.text;
}

describe('template language', () => {
  it('extends a base, overrides blocks (a block inside a block too) and calls super()', async () => {
    const app = appWith({
      'base.html': '<title>{% block title %}{% endblock %} - Site</title><h1>{% block header %}{% endblock %}</h1>{% block body %}base{% endblock %}',
      'page.html':
        "{% extends 'base.html' %}{% block header %}{% block title %}Posts{% endblock %}{% endblock %}{% block body %}[{{ super() }}] page{% endblock %}",
    });
    expect(await page(app, () => renderTemplate('page.html'))).toBe('<title>Posts - Site</title><h1>Posts</h1>[base] page');
  });

  it('includes templates (with the including context) and relative names', async () => {
    const app = appWith({
      'blog/list.html': "{% for post in posts %}{% include './item.html' %}{% endfor %}",
      'blog/item.html': '<li>{{ post.title }}</li>',
    });
    expect(await page(app, () => renderTemplate('blog/list.html', { posts: [{ title: 'a' }, { title: 'b' }] }))).toBe('<li>a</li><li>b</li>');
  });

  it('defines, imports and calls macros with keyword arguments', async () => {
    const app = appWith({
      'forms.html': "{% macro input(name, value='', type='text') %}<input type=\"{{ type }}\" name=\"{{ name }}\" value=\"{{ value }}\">{% endmacro %}",
      'login.html': "{% import 'forms.html' as forms %}{{ forms.input('user') }}{{ forms.input('pw', type='password') }}",
    });
    expect(await page(app, () => renderTemplate('login.html'))).toBe(
      '<input type="text" name="user" value=""><input type="password" name="pw" value="">',
    );
  });

  it('loops with loop.index, loop.first, loop.last, else, and unpacks pairs', async () => {
    const source =
      "{% for x in items %}{{ loop.index }}{{ '!' if loop.first }}{% if not loop.last %},{% endif %}{% else %}none{% endfor %}" +
      ' {% for k, v in pairs %}{{ k }}={{ v }};{% endfor %} {% for x in [] %}x{% else %}empty{% endfor %}';
    const app = appWith({});
    expect(await page(app, () => renderTemplateString(source, { items: ['a', 'b', 'c'], pairs: [['a', 1], ['b', 2]] }))).toBe(
      '1!,2,3 a=1;b=2; empty',
    );
  });

  it('applies built-in filters and tests', async () => {
    const app = appWith({});
    const html = await page(app, () =>
      renderTemplateString("{{ name|upper }} {{ missing|default('none') }} {{ items|join(', ') }} {{ items|length }} {{ 'yes' if 4 is divisibleby(2) }} {{ text|truncate(5) }}", {
        name: 'ada',
        items: [1, 2, 3],
        text: 'hello world',
      }),
    );
    expect(html).toBe('ADA none 1, 2, 3 3 yes hello...');
  });
});

describe('autoescape', () => {
  const files = {
    'page.html': '{{ text }}|{{ text|safe }}|{{ markup }}|{{ text|e }}|{{ markup|e }}',
    'page.xml': '<v>{{ text }}</v>',
    'page.svg': '<text>{{ text }}</text>',
    'mail.txt': 'Hi {{ text }}',
  };
  const ctx = { text: '<b>&"\'', markup: new Markup('<i>ok</i>') };

  it('escapes .html, .xml and .svg templates; Markup and |safe are not escaped again', async () => {
    const app = appWith(files);
    app.get('/x', async () => [await renderTemplate('page.html', ctx), await renderTemplate('page.xml', ctx), await renderTemplate('page.svg', ctx)].join('\n'));
    const res = await app.testClient().get('/x');
    expect(res.text.split('\n')).toEqual([
      '&lt;b&gt;&amp;&quot;&#39;|<b>&"\'|<i>ok</i>|&lt;b&gt;&amp;&quot;&#39;|<i>ok</i>',
      '<v>&lt;b&gt;&amp;&quot;&#39;</v>',
      '<text>&lt;b&gt;&amp;&quot;&#39;</text>',
    ]);
  });

  it('leaves .txt templates alone, and escapes template strings (as Flask)', async () => {
    const app = appWith(files);
    expect(await page(app, async () => (await renderTemplate('mail.txt', ctx)) + '|' + (await renderTemplateString('{{ text }}', ctx)))).toBe(
      'Hi <b>&"\'|&lt;b&gt;&amp;&quot;&#39;',
    );
  });

  it("escape() from core gives Markup, which templates print as is", async () => {
    const app = appWith({});
    expect(await page(app, () => renderTemplateString('{{ a }} {{ b }}', { a: escape('<x>'), b: escape(new Markup('<y>')) }))).toBe('&lt;x&gt; <y>');
  });

  it('the autoescaped extensions can be chosen', async () => {
    const app = new App();
    app.rootPath = folderWith({ 'templates/a.html': '{{ t }}', 'templates/a.jinja': '{{ t }}' });
    templates(app, { autoescapeExtensions: ['.jinja'] });
    expect(await page(app, async () => (await renderTemplate('a.html', { t: '<' })) + (await renderTemplate('a.jinja', { t: '<' })))).toBe('<&lt;');
  });
});

describe('renderTemplate', () => {
  it('returns the HTML as a string a view can return, and renders the first existing name of a list', async () => {
    const app = appWith({ 'b.html': 'b' });
    app.get('/list', () => renderTemplate(['a.html', 'b.html']));
    const res = await app.testClient().get('/list');
    expect(res.text).toBe('b');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    await app.appContext(async () => {
      expect(typeof (await renderTemplate('b.html'))).toBe('string');
    });
  });

  it('works in an app context outside a request (no request, no session)', async () => {
    const app = appWith({ 'mail.txt': '{{ request is defined }} {{ session is defined }} {{ g is defined }}' });
    expect(await app.appContext(() => renderTemplate('mail.txt'))).toBe('false false true');
  });

  it('says what to do when templates(app) was not called', async () => {
    const app = new App();
    await expect(app.appContext(() => renderTemplate('x.html'))).rejects.toThrow(/Call templates\(app\) from @micro\/templates/);
  });

  it('says what to do outside any app context', async () => {
    await expect(renderTemplate('x.html')).rejects.toThrow(/outside of application context/);
  });
});
