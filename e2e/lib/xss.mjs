// Helpers for the XSS browser test (e2e/tests/xss.test.mjs): the payload corpus, packing
// payloads into length-limited fields, a small JSON/form API client with the session cookie and
// the CSRF header, the execution hooks installed in a browser context, and the DOM audit run on
// every rendered page.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT } from './server.mjs';

/** The corpus: one payload per line; `#` lines are comments. */
export const PAYLOAD_FILE = path.join(ROOT, 'tests/xss-payloads.txt');

/** The payloads of `tests/xss-payloads.txt`, in file order. Fails on blank lines and duplicates. */
export function loadPayloads(file = PAYLOAD_FILE) {
  const lines = readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
  const payloads = [];
  const seen = new Set();
  lines.forEach((line, i) => {
    if (line.startsWith('#')) return;
    if (line.trim() === '') throw new Error(`${file}:${i + 1}: blank line`);
    if (seen.has(line)) throw new Error(`${file}:${i + 1}: duplicate payload ${line}`);
    seen.add(line);
    payloads.push(line);
  });
  return payloads;
}

/** Length in Unicode scalar values, as the server's validation counts (`str::chars`). */
export const chars = (s) => [...s].length;

/** `p` cut to at most `max` characters (Unicode scalar values), and to `maxBytes` UTF-8 bytes if given. */
export function cut(p, max, maxBytes = Number.POSITIVE_INFINITY) {
  let out = [...p].slice(0, max);
  while (Buffer.byteLength(out.join('')) > maxBytes) out = out.slice(0, -1);
  return out.join('');
}

/**
 * Packs payloads (in order) into groups whose values, joined by `separator`, stay within `max`
 * characters; a payload longer than `max` is cut to fit and goes alone. Returns
 * `{ members, value }` per group (members are the payloads as listed, whole), so single-line
 * fields with a length limit carry every payload, in few records.
 */
export function pack(payloads, max, separator = ' ') {
  const groups = [];
  let current = [];
  let length = 0;
  for (const p of payloads) {
    const n = chars(p);
    if (n > max) {
      groups.push({ members: [p], value: cut(p, max) });
      continue;
    }
    const extra = current.length === 0 ? n : chars(separator) + n;
    if (current.length > 0 && length + extra > max) {
      groups.push({ members: current, value: current.join(separator) });
      current = [];
      length = 0;
    }
    length += current.length === 0 ? n : chars(separator) + n;
    current.push(p);
  }
  if (current.length > 0) groups.push({ members: current, value: current.join(separator) });
  return groups;
}

/** `n` items spread evenly over `list` (all of them when `n` is at least its length). */
export function spread(list, n) {
  if (n >= list.length) return [...list];
  if (n <= 1) return list.slice(0, n);
  const picked = new Set();
  for (let i = 0; i < n; i += 1) picked.add(Math.round((i * (list.length - 1)) / (n - 1)));
  return [...picked].map((i) => list[i]);
}

/** Runs `fn` over `items` with at most `limit` calls in flight; resolves to the results in order. */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The `name=value` pairs of a response's Set-Cookie headers, merged into `jar` (a Map). */
function keepCookies(jar, res) {
  for (const header of res.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (/max-age=0|expires=thu, 01 jan 1970/i.test(header) || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

/**
 * An HTTP client for the app outside the browser: keeps cookies, sends the CSRF token as
 * `X-CSRF-Token` on writes, never follows redirects. `login()` opens a session through the JSON
 * API; without it the client is an anonymous visitor (with the anonymous CSRF cookie).
 */
export function apiClient(baseUrl) {
  const jar = new Map();
  let csrf = null;
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

  async function request(method, pathname, { json, form } = {}) {
    const headers = { accept: 'application/json' };
    if (method !== 'GET') {
      if (csrf === null) await client.refreshToken();
      headers['x-csrf-token'] = csrf;
    }
    if (jar.size > 0) headers.cookie = cookieHeader();
    let body;
    if (json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(json);
    } else if (form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(`${baseUrl}${pathname}`, { method, headers, body, redirect: 'manual' });
    keepCookies(jar, res);
    const text = await res.text();
    let data = null;
    try {
      data = JSON.parse(text);
    } catch {
      // an HTML page
    }
    return { status: res.status, data, text, location: res.headers.get('location') };
  }

  const client = {
    /**
     * Fetches the visitor's CSRF token (and, for anonymous visitors, the cookie it lives in).
     * Call it once before sending writes in parallel, so they all share one token.
     */
    async refreshToken() {
      const res = await fetch(`${baseUrl}/api/v1/session`, { headers: jar.size > 0 ? { cookie: cookieHeader() } : {} });
      keepCookies(jar, res);
      csrf = (await res.json()).csrf_token;
      return csrf;
    },
    /** Logs in through `POST /api/v1/session`. */
    async login(username, password) {
      const res = await fetch(`${baseUrl}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      keepCookies(jar, res);
      if (res.status !== 200) throw new Error(`login as ${username}: HTTP ${res.status} ${await res.text()}`);
      csrf = (await res.json()).csrf_token;
    },
    get: (pathname) => request('GET', pathname),
    /** Sends JSON; fails unless the status is one of `expect`. */
    async json(method, pathname, body, expect = [200, 201]) {
      const res = await request(method, pathname, { json: body });
      if (expect !== null && !expect.includes(res.status)) {
        throw new Error(`${method} ${pathname}: HTTP ${res.status}, expected ${expect.join('/')}: ${res.text.slice(0, 300)}`);
      }
      return res;
    },
    /** Posts a form (the token goes in the header, which the CSRF guard accepts for forms too). */
    form: (pathname, fields) => request('POST', pathname, { form: fields }),
  };
  return client;
}

/**
 * Installs the execution detectors in a browser context, before any page opens: `window.print`
 * is replaced by a recorder, setting `document.title` to 'XSS' is recorded, and every
 * `securitypolicyviolation` (a blocked script, frame, object, ...) is reported. Reports arrive
 * through the `__xssHit` binding, in every frame, as `onHit({ kind, detail, url })`.
 * Dialogs are counted by the caller with `page.on('dialog')`.
 */
export async function installHooks(context, onHit) {
  await context.exposeBinding('__xssHit', ({ frame }, kind, detail) => {
    onHit({ kind, detail: String(detail), url: frame?.url() ?? '' });
  });
  await context.addInitScript(() => {
    const report = (kind, detail) => {
      try {
        window.__xssHit(kind, String(detail).slice(0, 400));
      } catch {
        // the binding is not there (yet): record it where the audit can see it
        (window.__xssLate ??= []).push([kind, String(detail)]);
      }
    };
    window.print = function print() {
      report('print', 'window.print() called');
    };
    const title = Object.getOwnPropertyDescriptor(Document.prototype, 'title');
    Object.defineProperty(Document.prototype, 'title', {
      configurable: true,
      enumerable: title.enumerable,
      get() {
        return title.get.call(this);
      },
      set(value) {
        if (String(value).includes('XSS')) report('title', `document.title = ${value}`);
        title.set.call(this, value);
      },
    });
    document.addEventListener('securitypolicyviolation', (e) => {
      report('csp', `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sample || ''})`);
    });
  });
}

/**
 * The DOM audit, run in the page (`page.evaluate(auditDom)`, which the page's CSP does not
 * govern) after one more frame: everything active that user text could have
 * smuggled in, whether or not it ran. Returns findings as strings (none on a safe page).
 * Allowed: the app's own scripts and stylesheets under /static/, the `data:,` favicon, forms
 * posting to this site, Atom feed links to this site's `.atom` paths, the canonical link to this
 * very page, and the thread page's own
 * timeline picture (one `svg.timeline-svg` outside user content, with nothing scriptable in it
 * and links only to this site's paths or to anchors on the page).
 */
export async function auditDom() {
  // The editor previews Markdown through POST /preview and innerHTML (its section is aria-busy
  // meanwhile): let that finish, then let pending work run: image errors, autofocus, toggles.
  const deadline = Date.now() + 20_000;
  while (document.querySelector('[aria-busy="true"]') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const findings = [];
  const origin = location.origin;
  const describe = (el) => el.outerHTML.slice(0, 160);
  const sameSiteStatic = (url) => {
    try {
      const u = new URL(url, location.href);
      return u.origin === origin && u.pathname.startsWith('/static/');
    } catch {
      return false;
    }
  };
  const URL_ATTRS = new Set([
    'href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background', 'poster', 'codebase',
    'cite', 'dynsrc', 'lowsrc', 'ping', 'manifest', 'longdesc', 'profile', 'usemap', 'icon', 'code',
    'archive', 'classid', 'values', 'from', 'to', 'by',
  ]);
  const FORBIDDEN = new Set([
    'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal', 'param', 'template',
    'style', 'svg', 'math', 'isindex', 'bgsound', 'handler', 'listener', 'xmp', 'plaintext', 'noembed',
    'noframes', 'marquee', 'keygen',
  ]);
  const sitePath = (value) => value.startsWith('/') && !value.startsWith('//');
  const ownTimeline = (el) =>
    el.classList.contains('timeline-svg') &&
    el.closest('.timeline-section') !== null &&
    el.closest('.prose') === null &&
    el.querySelector('script, foreignObject, iframe, style, use, animate, set') === null &&
    [...el.querySelectorAll('a')].every((a) => {
      const href = a.getAttribute('href') ?? '';
      return sitePath(href) || /^#[\w-]+$/.test(href);
    });
  if (document.querySelectorAll('svg').length > 1) findings.push('more than one <svg> on the page');
  if (document.querySelector('[aria-busy="true"]')) findings.push('the editor preview never finished');
  if (document.title === 'XSS') findings.push('document.title is "XSS"');
  if (window.__xssLate) findings.push(...window.__xssLate.map(([k, d]) => `late ${k}: ${d}`));
  for (const el of document.querySelectorAll('*')) {
    const tag = el.localName.toLowerCase();
    if (tag === 'script' && !sameSiteStatic(el.getAttribute('src') ?? '')) findings.push(`script: ${describe(el)}`);
    if (FORBIDDEN.has(tag) && !(tag === 'svg' && ownTimeline(el))) findings.push(`<${tag}>: ${describe(el)}`);
    if (tag === 'meta' && el.hasAttribute('http-equiv')) findings.push(`meta http-equiv: ${describe(el)}`);
    if (tag === 'link') {
      const rel = (el.getAttribute('rel') ?? '').toLowerCase();
      const href = el.getAttribute('href') ?? '';
      const feed = rel === 'alternate' && el.getAttribute('type') === 'application/atom+xml' && sitePath(href) && href.endsWith('.atom');
      // The canonical link names this very page on this site (issue 18), nothing user text chose.
      let canonical = false;
      try {
        const u = new URL(href);
        canonical = rel === 'canonical' && u.origin === origin && u.pathname === location.pathname && !u.search;
      } catch {
        canonical = false;
      }
      const ok = (rel === 'stylesheet' && sameSiteStatic(href)) || (rel === 'icon' && href === 'data:,') || feed || canonical;
      if (!ok) findings.push(`link: ${describe(el)}`);
    }
    if (tag === 'form') {
      const action = el.getAttribute('action') ?? '';
      let ok = false;
      try {
        ok = new URL(action, location.href).origin === origin && action.startsWith('/');
      } catch {
        ok = false;
      }
      if (!ok) findings.push(`form action: ${describe(el)}`);
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value;
      if (name.startsWith('on')) findings.push(`handler ${name}: ${describe(el)}`);
      if (name === 'srcdoc' || name === 'formaction' || (name === 'autofocus' && el.closest('.prose'))) {
        findings.push(`${name}: ${describe(el)}`);
      }
      if (name === 'style' && /expression|javascript|url\s*\(|behavior|binding|@import/i.test(value)) {
        findings.push(`style: ${describe(el)}`);
      }
      if (URL_ATTRS.has(name) || name.endsWith(':href') || name === 'srcset') {
        // What a browser would see as the scheme: entities are already decoded in the DOM;
        // drop whitespace and control characters, which URL parsing ignores.
        // eslint-disable-next-line no-control-regex
        const squashed = value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '').toLowerCase();
        const isFavicon = tag === 'link' && value === 'data:,';
        if (/^(javascript|vbscript|livescript|mocha|feed|jar):/.test(squashed) || (/^data:/.test(squashed) && !isFavicon)) {
          findings.push(`${name}=${value.slice(0, 80)}: ${describe(el)}`);
        }
      }
    }
  }
  return findings;
}
