// A tiny HTTP client with a cookie jar, used to log in before the load and by the tests.

/**
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string,string>, body?: string }} [init]
 */
export async function request(url, init = {}) {
  const res = await fetch(url, { ...init, redirect: 'manual' });
  return {
    status: res.status,
    headers: res.headers,
    setCookies: res.headers.getSetCookie(),
    body: await res.text(),
  };
}

/** Applies Set-Cookie lines to a jar (Map name → value); an expired cookie is removed. */
export function applySetCookies(jar, setCookies) {
  for (const line of setCookies) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attrs.some((a) => {
      const [k, v = ''] = a.trim().split('=');
      const key = k.toLowerCase();
      return (key === 'max-age' && Number(v) <= 0) || (key === 'expires' && Date.parse(v) <= Date.now());
    });
    if (expired || value === '') jar.delete(name);
    else jar.set(name, value);
  }
  return jar;
}

/** The Cookie request header for a jar. */
export const cookieHeader = (jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Logs in with a urlencoded form and returns the cookie header the server handed out. */
export async function login(baseUrl, username) {
  const res = await request(`${baseUrl}/login`, {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams({ username }).toString(),
  });
  if (res.status !== 302) throw new Error(`POST /login answered ${res.status}, expected 302`);
  const jar = applySetCookies(new Map(), res.setCookies);
  if (jar.size === 0) throw new Error('POST /login set no cookie');
  return cookieHeader(jar);
}
