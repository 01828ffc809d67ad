/**
 * Where templates come from and what goes wrong: the app's folder then the
 * blueprints', TemplateNotFound, syntax and runtime errors with file and
 * line, the cache, and auto reload in DEBUG.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { App, Blueprint } from '@micro/core';
import { TemplateNotFound, TemplateRuntimeError, TemplateSyntaxError, renderTemplate, renderTemplateString, templates } from '@micro/templates';
import { folderWith } from './helpers.js';

async function render(app: App, name: string | string[], context?: Record<string, unknown>): Promise<string> {
  return app.appContext(() => renderTemplate(name, context));
}

async function renderError(app: App, name: string, context?: Record<string, unknown>): Promise<Error> {
  try {
    await render(app, name, context);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`rendering ${name} did not fail`);
}

describe('template folders', () => {
  it("searches the app's templates/ under its root path, then each blueprint's folder in registration order", async () => {
    const root = folderWith({
      'templates/page.html': 'app page',
      'shop/templates/page.html': 'shop page',
      'shop/templates/shop/cart.html': 'shop cart',
      'admin/templates/shop/cart.html': 'admin cart',
      'admin/templates/admin/index.html': 'admin index',
    });
    const app = new App();
    app.rootPath = root;
    templates(app);
    app.registerBlueprint(new Blueprint('shop', { templateFolder: 'shop/templates' }));
    app.registerBlueprint(new Blueprint('admin', { templateFolder: pathToFileURL(join(root, 'admin/templates/')) }));
    expect(await render(app, 'page.html')).toBe('app page');
    expect(await render(app, 'shop/cart.html')).toBe('shop cart');
    expect(await render(app, 'admin/index.html')).toBe('admin index');
    expect(templates(app).searchPath()).toEqual([join(root, 'templates'), join(root, 'shop/templates'), join(root, 'admin/templates')]);
  });

  it('takes another app folder, absolute or relative to the root path', async () => {
    const root = folderWith({ 'views/a.html': 'views' });
    const app = new App();
    app.rootPath = root;
    templates(app, { templateFolder: 'views' });
    expect(await render(app, 'a.html')).toBe('views');
    templates(app, { templateFolder: join(root, 'views') });
    expect(await render(app, 'a.html')).toBe('views');
  });

  it('a missing template is TemplateNotFound naming it and every folder searched', async () => {
    const root = folderWith({ 'templates/base.html': 'x' });
    const app = new App();
    app.rootPath = root;
    templates(app);
    app.registerBlueprint(new Blueprint('bp', { templateFolder: '/srv/bp-templates' }));
    const err = await renderError(app, 'blog/missing.html');
    expect(err).toBeInstanceOf(TemplateNotFound);
    expect(err.message).toContain(`Template "blog/missing.html" not found. Searched: ${join(root, 'templates')}, /srv/bp-templates.`);
    expect((err as TemplateNotFound).searchPath).toEqual([join(root, 'templates'), '/srv/bp-templates']);
    expect((err as TemplateNotFound).code).toBe('MICRO_TEMPLATE_NOT_FOUND');
  });

  it('an include or extends of a missing template is TemplateNotFound for that name', async () => {
    const app = appWith({ 'a.html': "{% include 'gone.html' %}", 'b.html': "{% extends 'gone-base.html' %}" });
    const include = await renderError(app, 'a.html');
    expect(include).toBeInstanceOf(TemplateNotFound);
    expect((include as TemplateNotFound).templateName).toBe('gone.html');
    expect(((await renderError(app, 'b.html')) as TemplateNotFound).templateName).toBe('gone-base.html');
  });

  it("{% include ... ignore missing %} skips a missing template", async () => {
    const app = appWith({ 'a.html': "[{% include 'gone.html' ignore missing %}]" });
    expect(await render(app, 'a.html')).toBe('[]');
  });

  it("never reads outside the folders: '..' names are not found", async () => {
    const root = folderWith({ 'secret.txt': 'secret', 'templates/a.txt': "{% include '../secret.txt' %}", 'templates/x/y.txt': 'ok' });
    const app = new App();
    app.rootPath = root;
    templates(app);
    expect(await renderError(app, '../secret.txt')).toBeInstanceOf(TemplateNotFound);
    expect(await renderError(app, 'x/../../secret.txt')).toBeInstanceOf(TemplateNotFound);
    expect(await renderError(app, 'a.txt')).toBeInstanceOf(TemplateNotFound);
    expect(await render(app, '/x/./y.txt')).toBe('ok');
  });

  it('renders the first existing name of a list; none existing names them all', async () => {
    const app = appWith({ 'b.html': 'b' });
    expect(await render(app, ['a.html', 'b.html'])).toBe('b');
    const err = await renderError(app, ['x.html', 'y.html'] as never);
    expect(err).toBeInstanceOf(TemplateNotFound);
    expect(err.message).toContain('Template "x.html, y.html" not found');
  });
});

describe('errors name the file and line', () => {
  it('a syntax error is TemplateSyntaxError with the template, file, line and column', async () => {
    const app = appWith({ 'bad.html': 'ok\n{% if x %}\n  {{ x }\n{% endif %}' });
    const err = (await renderError(app, 'bad.html')) as TemplateSyntaxError;
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    expect([err.templateName, err.filename, err.lineno]).toEqual(['bad.html', join(app.rootPath, 'templates/bad.html'), 3]);
    expect(err.message).toMatch(/^expected variable end\n {2}in template "bad\.html" \(.*templates\/bad\.html\), line 3, column \d+$/);
  });

  it('a syntax error in a base template or an include names that file, not the one rendered', async () => {
    const app = appWith({
      'base.html': 'a\nb\n{% block body %}{% endblok %}',
      'child.html': "{% extends 'base.html' %}",
      'outer.html': "x\n{% include 'base.html' %}",
    });
    for (const name of ['child.html', 'outer.html']) {
      const err = (await renderError(app, name)) as TemplateSyntaxError;
      expect(err).toBeInstanceOf(TemplateSyntaxError);
      expect([err.templateName, err.lineno]).toEqual(['base.html', 3]);
    }
  });

  it('an error while rendering is TemplateRuntimeError with the template and line where it was raised, and the cause', async () => {
    const app = appWith({
      'base.html': 'a\n{% block body %}{% endblock %}\n{{ footer() }}',
      'child.html': "{% extends 'base.html' %}\n{% block body %}\n\n{{ post.created.strftime('%Y') }}{% endblock %}",
      'inc.html': "one\n{% include 'child.html' %}",
    });
    const broken = (await renderError(app, 'child.html', { post: { created: new Date() } })) as TemplateRuntimeError;
    expect(broken).toBeInstanceOf(TemplateRuntimeError);
    expect(broken.message).toMatch(/^Unable to call `post\["created"\]\["strftime"\]`, which is undefined or falsey\n {2}in template "child\.html" \(.*child\.html\), line 4$/);
    expect([broken.templateName, broken.lineno]).toEqual(['child.html', 4]);

    const footer = () => {
      throw new RangeError('footer failed');
    };
    const fromBase = (await renderError(app, 'child.html', { post: { created: { strftime: () => '2018' } }, footer })) as TemplateRuntimeError;
    expect([fromBase.templateName, fromBase.lineno]).toEqual(['base.html', 3]);
    expect(fromBase.cause).toBeInstanceOf(RangeError);
    expect(fromBase.message).toContain('RangeError: footer failed\n  in template "base.html"');

    const included = (await renderError(app, 'inc.html', { post: {} })) as TemplateRuntimeError;
    expect([included.templateName, included.lineno]).toEqual(['child.html', 4]);
  });

  it('an error in a template string names <string> and the line', async () => {
    const app = appWith({});
    const err = await app.appContext(() => renderTemplateString('a\nb {{ nope() }}')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateRuntimeError);
    expect((err as Error).message).toBe('Unable to call `nope`, which is undefined or falsey\n  in template "<string>", line 2');
  });
});

describe('whitespace', () => {
  it('drops the newline a template file ends with, as Jinja does, unless keepTrailingNewline', async () => {
    const app = appWith({ 'a.txt': 'line\n', 'b.txt': 'two\n\n' });
    expect(await render(app, 'a.txt')).toBe('line');
    expect(await render(app, 'b.txt')).toBe('two\n');
    templates(app, { keepTrailingNewline: true });
    expect(await render(app, 'a.txt')).toBe('line\n');
  });

  it('trimBlocks and lstripBlocks as Jinja', async () => {
    const app = appWith({ 'a.txt': 'x\n  {% if true %}\n  y\n  {% endif %}\nz' });
    expect(await render(app, 'a.txt')).toBe('x\n  \n  y\n  \nz');
    templates(app, { trimBlocks: true, lstripBlocks: true });
    expect(await render(app, 'a.txt')).toBe('x\n  y\nz');
  });
});

describe('cache and auto reload', () => {
  it('loads a template once: a changed file is not read again without DEBUG', async () => {
    const app = appWith({ 'a.html': 'one', 'b.html': "{% include 'a.html' %}" });
    expect(await render(app, 'b.html')).toBe('one');
    writeFileSync(join(app.rootPath, 'templates/a.html'), 'two');
    expect(await render(app, 'b.html')).toBe('one');
    expect(await render(app, 'a.html')).toBe('one');
  });

  it('with DEBUG, a changed template (or one it includes) is picked up by the next render', async () => {
    const app = appWith({ 'a.html': 'one', 'b.html': "[{% include 'a.html' %}]" });
    app.config.DEBUG = true;
    expect(await render(app, 'b.html')).toBe('[one]');
    writeFileSync(join(app.rootPath, 'templates/a.html'), 'two');
    expect(await render(app, 'b.html')).toBe('[two]');
    writeFileSync(join(app.rootPath, 'templates/b.html'), "({% include 'a.html' %})");
    expect(await render(app, 'b.html')).toBe('(two)');
  });

  it('TEMPLATES_AUTO_RELOAD turns it on without DEBUG, and off with it', async () => {
    const app = appWith({ 'a.html': 'one' });
    app.config.TEMPLATES_AUTO_RELOAD = true;
    expect(await render(app, 'a.html')).toBe('one');
    writeFileSync(join(app.rootPath, 'templates/a.html'), 'two');
    expect(await render(app, 'a.html')).toBe('two');
    app.config.DEBUG = true;
    app.config.TEMPLATES_AUTO_RELOAD = false;
    writeFileSync(join(app.rootPath, 'templates/a.html'), 'three');
    expect(await render(app, 'a.html')).toBe('two');
  });

  it('with DEBUG, a syntax error fixed in the file renders on the next request', async () => {
    const app = appWith({ 'a.html': '{{ x }' });
    app.config.DEBUG = true;
    expect(await renderError(app, 'a.html')).toBeInstanceOf(TemplateSyntaxError);
    writeFileSync(join(app.rootPath, 'templates/a.html'), '{{ x }}');
    expect(await render(app, 'a.html', { x: 'fixed' })).toBe('fixed');
  });
});

function appWith(files: Record<string, string>): App {
  const app = new App();
  app.rootPath = folderWith(Object.fromEntries(Object.entries(files).map(([n, t]) => [`templates/${n}`, t])));
  templates(app);
  return app;
}
