/**
 * micro's built-in error pages against Werkzeug 3's, byte for byte. The
 * expected pages come from fixtures/werkzeug-errors.json, written by
 * fixtures/make_werkzeug_errors.py with the real Werkzeug.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  App,
  BadRequest,
  Forbidden,
  HTTPException,
  InternalServerError,
  NotFound,
  PayloadTooLarge,
  Response,
  STATUS_NAMES,
  ServiceUnavailable,
  Unauthorized,
  UnsupportedMediaType,
  abort,
} from '@micro/core';
import { quietApp } from './helpers.js';

interface WerkzeugPage {
  status: number;
  className: string;
  name: string;
  description: string;
  statusLine: string;
  contentType: string;
  headers: Record<string, string>;
  body: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/werkzeug-errors.json', import.meta.url), 'utf8')) as {
  werkzeug: string;
  errors: WerkzeugPage[];
  special: Record<'methodNotAllowed' | 'requestRedirect' | 'requestRedirectQuoted', WerkzeugPage>;
};

// micro's classes (some named differently from Werkzeug's: PayloadTooLarge is RequestEntityTooLarge).
const CLASSES: Record<number, new () => HTTPException> = {
  400: BadRequest,
  401: Unauthorized,
  403: Forbidden,
  404: NotFound,
  413: PayloadTooLarge,
  415: UnsupportedMediaType,
  500: InternalServerError,
  503: ServiceUnavailable,
};

function raisingApp(): App {
  const app = quietApp();
  app.get('/abort/<int:code>', function aborts({ code }) {
    abort(code);
  });
  app.get('/class/<int:code>', function raises({ code }) {
    throw new CLASSES[code]!();
  });
  return app;
}

describe(`error pages match Werkzeug ${fixture.werkzeug}`, () => {
  it('the fixture covers every error status micro names', () => {
    const micro = Object.keys(STATUS_NAMES).map(Number).filter((status) => status >= 400);
    expect(micro).toEqual(fixture.errors.map((e) => e.status));
  });

  for (const page of fixture.errors) {
    describe(`${page.status} ${page.name}`, () => {
      it('abort() answers with the same status, Content-Type and body', async () => {
        const res = await raisingApp().testClient().get(`/abort/${page.status}`);
        expect(res.status).toBe(page.status);
        expect(res.headers.get('content-type')).toBe(page.contentType);
        expect(res.text).toBe(page.body);
      });

      it('has the same name, description and status line', () => {
        let error: unknown;
        try {
          abort(page.status);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(HTTPException);
        const http = error as HTTPException;
        expect(http.statusText).toBe(page.name);
        expect(http.description).toBe(page.description);
        // Werkzeug upper-cases the reason phrase in `Response.status`; micro keeps the words.
        expect(new Response(null, { status: page.status }).statusLine.toUpperCase()).toBe(page.statusLine);
      });

      const Cls = CLASSES[page.status];
      if (Cls) {
        it(`new ${Cls.name}() thrown from a view gives the same page`, async () => {
          const res = await raisingApp().testClient().get(`/class/${page.status}`);
          expect([res.status, res.headers.get('content-type'), res.text]).toEqual([page.status, page.contentType, page.body]);
        });
      }
    });
  }

  it('405 from the router: the same page, Allow naming the methods', async () => {
    const page = fixture.special.methodNotAllowed;
    const app = new App();
    app.get('/only-get', function onlyGet() {
      return 'ok';
    });
    const res = await app.testClient().post('/only-get');
    expect([res.status, res.headers.get('content-type'), res.text]).toEqual([page.status, page.contentType, page.body]);
    expect(res.headers.get('allow')).toBe(page.headers.Allow);
  });

  it("the router's redirect to a rule's canonical URL is Werkzeug's redirect page", async () => {
    const page = fixture.special.requestRedirect;
    const app = new App();
    app.get('/docs/', function docs() {
      return 'docs';
    });
    const res = await app.testClient().get('/docs');
    expect([res.status, res.headers.get('content-type'), res.text]).toEqual([page.status, page.contentType, page.body]);
    expect(res.headers.get('location')).toBe(page.headers.Location);
  });

  it('a redirect to a URL with a quoted path and a query escapes it as Werkzeug does', async () => {
    const page = fixture.special.requestRedirectQuoted;
    const app = new App();
    app.get('/a b/', function spaced() {
      return 'spaced';
    });
    const res = await app.testClient().get('/a%20b?q=%3Cx%3E&r=1');
    expect([res.status, res.headers.get('content-type'), res.text]).toEqual([page.status, page.contentType, page.body]);
    expect(res.headers.get('location')).toBe(page.headers.Location);
  });

  it('a custom description is escaped and its line breaks become <br>, as Werkzeug', async () => {
    const app = quietApp();
    app.get('/', function custom() {
      throw new Forbidden('No <script> for you.\nAsk an "admin".');
    });
    const res = await app.testClient().get('/');
    expect(res.text).toBe(
      '<!doctype html>\n<html lang=en>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n' +
        '<p>No &lt;script&gt; for you.<br>Ask an &#34;admin&#34;.</p>\n',
    );
  });
});
