// Stored XSS: every payload of tests/xss-payloads.txt goes through every field a user can write
// and every page that shows the field is rendered in Chromium, which watches for execution:
// dialogs (alert/confirm/prompt), calls of window.print, document.title set to 'XSS', CSP
// violations, navigations away from the site, and a DOM audit for anything active that got
// through (handlers, javascript: URLs, scripts, frames, objects, base, meta refresh, ...).
// The pages are rendered twice: with the app's Content-Security-Policy in force, and with it
// bypassed, to show that sanitizing (ammonia) and escaping (askama) hold on their own.
//
// To stay fast, data is written through the JSON API, Markdown bodies carry payloads both one per
// item (each sanitized alone) and all together, and length-limited single-line fields carry as
// many whole payloads as fit, joined by spaces. Pages that show one record per page and only
// repeat a template context that other pages show every payload in (edit forms, event pages,
// revisions, diffs, conflicts, a thread's history) are rendered for a spread sample;
// XSS_FULL=1 renders every one of them (~2 500 renders per pass instead of ~250: minutes).
// A summary goes to stdout and target/e2e-logs/xss-summary.json.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { TIMEOUT_MS, captureFailure, launchBrowser } from '../lib/browser.mjs';
import { PASSWORD, ROOT, startServer } from '../lib/server.mjs';
import { apiClient, auditDom, chars, installHooks, loadPayloads, mapLimit, pack, spread } from '../lib/xss.mjs';

const FULL = process.env.XSS_FULL === '1';
/** How many records of each sampled page type are rendered. */
const SAMPLE = FULL ? Number.POSITIVE_INFINITY : 5;
/** Browser tabs rendering at once, per pass and context (the two passes run side by side). */
const WORKERS = 3;
/** Page loads may take longer than a click: the sections thread holds ~600 items. */
const NAVIGATION_MS = 30_000;
/** Actions wait longer than elsewhere: hundreds of pages render in parallel tabs. */
const ACTION_MS = 4 * TIMEOUT_MS;

const CURATOR = 'xss-curator';
const PAYLOADS = loadPayloads();
const ALL = PAYLOADS.join('\n\n');
const SECTION_BODY_MAX_BYTES = 20_000;
const KINDS = ['interpretations', 'arc', 'questions', 'controversies'];

let server;
let browser;
let seed;
/** The two rendering passes, started together once the data is in; each test awaits its own. */
let running;
const passes = [];

/** Which payloads went into which field (only counted once the server stored them). */
const coverage = new Map();
function cover(field, members) {
  if (!coverage.has(field)) coverage.set(field, new Set());
  for (const m of members) coverage.get(field).add(m);
}

const day = (i) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

/** Writes everything through the API; resolves to what the passes need to visit. */
async function seedData() {
  await server.createUser(CURATOR, 'curator');
  const api = apiClient(server.baseUrl);
  await api.login(CURATOR, PASSWORD);
  const createThread = (title, framing, slug) =>
    api.json('POST', '/api/v1/threads', { title, framing_question: framing, slug, status: 'active', stance: 'contested' }, [201]);

  // The synthesis thread: a revision per pack of edit summaries (its body that pack's payloads),
  // one with every payload, a revert per pack of reasons, and every payload again on top.
  const synthesis = { slug: 'xss-synthesis', summaryPacks: pack(PAYLOADS, 300), reasonPacks: pack(PAYLOADS, 300) };
  await createThread('XSS synthesis', 'Does any payload run?', synthesis.slug);
  let head = 0;
  const save = async (body, summary) => {
    const res = await api.json('POST', `/api/v1/threads/${synthesis.slug}/synthesis`, { base_seq: head, body, summary }, [201]);
    head = res.data.seq;
    return head;
  };
  for (const p of synthesis.summaryPacks) {
    await save(p.members.join('\n\n'), p.value);
    cover('edit summary', p.members);
    cover('synthesis', p.members);
  }
  const packsCount = synthesis.summaryPacks.length;
  synthesis.allSeq = await save(ALL, 'Every payload in one body');
  cover('synthesis', PAYLOADS);
  synthesis.revertSeqs = [];
  for (const [j, p] of synthesis.reasonPacks.entries()) {
    const target = (j % packsCount) + 1;
    const res = await api.json(
      'POST',
      `/api/v1/threads/${synthesis.slug}/revisions/${target}/revert`,
      { base_seq: head, reason: p.value },
      [201],
    );
    head = res.data.seq;
    synthesis.revertSeqs.push(head);
    cover('revert reason', p.members);
  }
  synthesis.headSeq = await save(ALL, 'Every payload again');

  // The sections thread: an interpretation per payload (title, body and proponents: each body is
  // sanitized alone), and arc periods, controversies and questions carrying packs of payloads.
  const sections = { slug: 'xss-sections', ids: Object.fromEntries(KINDS.map((k) => [k, []])) };
  await createThread('XSS sections', 'Do any of these items run?', sections.slug);
  const titlePacks = pack(PAYLOADS, 200);
  const labelPacks = pack(PAYLOADS, 40);
  const items = [
    ...PAYLOADS.map((p) => ({ kind: 'interpretations', body: { title: p, body: p, proponents: chars(p) <= 120 ? p : '' } })),
    ...Array.from({ length: Math.max(titlePacks.length, labelPacks.length) }, (_, i) => {
      const title = titlePacks[i % titlePacks.length];
      const label = labelPacks[i % labelPacks.length];
      return { kind: 'arc', body: { label: label.value, title: title.value, body: title.members.join('\n\n') } };
    }),
    ...titlePacks.map((p) => ({ kind: 'controversies', body: { title: p.value, body: p.members.join('\n\n') } })),
    ...pack(PAYLOADS, 1000).map((p) => ({ kind: 'questions', body: { question: p.value } })),
  ];
  await mapLimit(items, 6, async (item) => {
    const res = await api.json('POST', `/api/v1/threads/${sections.slug}/${item.kind}`, item.body, [201]);
    item.id = res.data.id;
  });
  for (const kind of KINDS) sections.ids[kind] = items.filter((i) => i.kind === kind).map((i) => i.id);
  cover('interpretation title', PAYLOADS);
  cover('interpretation body', PAYLOADS);
  cover('interpretation proponents', PAYLOADS.filter((p) => chars(p) <= 120));
  cover('arc label', labelPacks.flatMap((p) => p.members));
  cover('arc title', titlePacks.flatMap((p) => p.members));
  cover('arc body', titlePacks.flatMap((p) => p.members));
  cover('question', PAYLOADS);
  cover('controversy title', titlePacks.flatMap((p) => p.members));
  cover('controversy body', titlePacks.flatMap((p) => p.members));

  const events = { packed: [], all: [], urlAccepted: [], urlRejected: 0 };
  const eventPacks = pack(PAYLOADS, 300);
  await mapLimit(eventPacks, 6, async (p, j) => {
    const res = await api.json(
      'POST',
      `/api/v1/threads/${sections.slug}/events`,
      {
        date: day(j),
        title: p.value,
        significance: ['landmark', 'major', 'notable'][j % 3],
        url: `https://example.org/?q=${p.value}`,
        body: p.members.join('\n\n'),
      },
      [201],
    );
    events.packed[j] = res.data.id;
  });
  cover('event title', PAYLOADS.filter((p) => chars(p) <= 300));
  cover('event body', PAYLOADS);
  // Every payload in event descriptions at once, in as few events as the size limit allows.
  const allChunks = [];
  let chunk = [];
  for (const p of PAYLOADS) {
    if (chunk.length > 0 && Buffer.byteLength([...chunk, p].join('\n\n')) > SECTION_BODY_MAX_BYTES) {
      allChunks.push(chunk);
      chunk = [];
    }
    chunk.push(p);
  }
  allChunks.push(chunk);
  for (const [j, members] of allChunks.entries()) {
    const res = await api.json(
      'POST',
      `/api/v1/threads/${sections.slug}/events`,
      { date: day(400 + j), title: `Every payload, part ${j + 1}`, significance: 'landmark', body: members.join('\n\n') },
      [201],
    );
    events.all.push(res.data.id);
  }
  // Each payload as the event's link: only http(s) URLs are stored; anything stored is rendered.
  await mapLimit(PAYLOADS, 6, async (p, k) => {
    const res = await api.json('POST', '/api/v1/events', { date: day(800), title: `Link attempt ${k}`, url: p }, [201, 422]);
    if (res.status === 201) events.urlAccepted.push(res.data.id);
    else events.urlRejected += 1;
  });
  cover('event url', PAYLOADS);

  // Threads whose titles (and framing questions) are packs of payloads, each with two revisions
  // and the first "every payload" event, so every page that names a thread can be shown for it.
  const framingPacks = pack(PAYLOADS, 1000);
  const titled = titlePacks.map((p, j) => ({
    slug: `xss-title-${j}`,
    pack: p,
    framingIndex: j % framingPacks.length,
    framing: framingPacks[j % framingPacks.length],
  }));
  await mapLimit(titled, 6, async (t) => {
    await createThread(t.pack.value, t.framing.value, t.slug);
    const body = t.pack.members.join('\n\n');
    await api.json('POST', `/api/v1/threads/${t.slug}/synthesis`, { base_seq: 0, body, summary: t.pack.value }, [201]);
    const second = { base_seq: 1, body: `${body}\n\nsecond`, summary: 'second' };
    await api.json('POST', `/api/v1/threads/${t.slug}/synthesis`, second, [201]);
    const link = await api.form(`/threads/${t.slug}/events/link`, { event_id: String(events.all[0]) });
    assert.equal(link.status, 303, `link event to ${t.slug}: ${link.text.slice(0, 200)}`);
  });
  cover('thread title', titlePacks.flatMap((p) => p.members));
  cover('framing question', framingPacks.flatMap((p) => p.members));
  return { synthesis, sections, events, titled };
}

/** A pass: every page type rendered in fresh contexts with `contextOptions`; resolves to the tally. */
async function renderPass(label, contextOptions) {
  const result = {
    label,
    renders: 0,
    byType: {},
    msByType: {},
    dialogs: [],
    hits: [],
    findings: [],
    navigations: [],
    statuses: [],
    errors: [],
    pageErrors: [],
    console: [],
  };
  const contexts = [];
  const base = server.baseUrl;

  async function newContext() {
    const context = await browser.newContext(contextOptions);
    context.setDefaultTimeout(ACTION_MS);
    context.setDefaultNavigationTimeout(NAVIGATION_MS);
    await installHooks(context, (hit) => result.hits.push(hit));
    context.on('page', (page) => {
      page.on('popup', (popup) => result.navigations.push(`popup ${popup.url()} from ${page.url()}`));
      page.on('dialog', async (dialog) => {
        if (dialog.type() === 'beforeunload') return dialog.accept().catch(() => {});
        result.dialogs.push(`${dialog.type()}(${dialog.message()}) on ${page.url()}`);
        return dialog.dismiss().catch(() => {});
      });
      page.on('pageerror', (error) => result.pageErrors.push(`${page.url()}: ${error.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') result.console.push(`${msg.type()} ${page.url()}: ${msg.text()}`);
      });
      page.on('framenavigated', (frame) => {
        const url = frame.url();
        if (url !== 'about:blank' && !url.startsWith(`${base}/`)) {
          result.navigations.push(`${frame === page.mainFrame() ? 'page' : 'frame'} -> ${url}`);
        }
      });
    });
    contexts.push(context);
    return context;
  }

  /** Counts a render of `type`, checks its status, waits for the editor preview, audits the DOM. */
  async function settle(page, type, response, status = 200, started = Date.now()) {
    result.renders += 1;
    result.byType[type] = (result.byType[type] ?? 0) + 1;
    const where = page.url().replace(base, '');
    if (response?.status() !== status) result.statuses.push(`${type} ${where}: HTTP ${response?.status()}, expected ${status}`);
    for (const finding of await page.evaluate(auditDom)) result.findings.push(`${type} ${where}: ${finding}`);
    result.msByType[type] = (result.msByType[type] ?? 0) + (Date.now() - started);
  }

  async function visit(page, type, pathname, status = 200) {
    const started = Date.now();
    const response = await page.goto(`${base}${pathname}`, { waitUntil: 'load' });
    await settle(page, type, response, status, started);
  }

  /** Visits `pathname` and every page its rel=next links lead to. */
  async function visitAll(page, type, pathname) {
    let next = pathname;
    while (next) {
      await visit(page, type, next);
      next = await page.evaluate(() => document.querySelector('a[rel=next]')?.getAttribute('href') ?? null);
    }
  }

  /** Submits a form built in the current page (with its CSRF token), as a browser would. */
  async function postFrom(page, action, fields) {
    const [response] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.evaluate(
        ({ action, fields }) => {
          const form = document.createElement('form');
          form.method = 'post';
          form.action = action;
          const token = document.querySelector('input[name="csrf_token"]')?.value ?? '';
          for (const [name, value] of Object.entries({ ...fields, csrf_token: token })) {
            const input = document.createElement('textarea');
            input.name = name;
            input.value = value;
            form.append(input);
          }
          document.body.append(form);
          form.submit();
        },
        { action, fields },
      ),
    ]);
    return response;
  }

  /** Fills the form on the current page by label and submits it with `button`. */
  async function submitForm(page, values, button) {
    for (const [label, value] of Object.entries(values)) await page.getByLabel(label, { exact: true }).fill(value);
    const [response] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('button', { name: button }).click(),
    ]);
    return response;
  }

  const { synthesis: S, sections: X, events: E, titled: T } = seed;
  // Tasks run in the curator's context unless they are marked as someone not logged in's.
  const tasks = [];
  const task = (name, fn, as = 'curator') => tasks.push({ name, fn, as });

  // Heaviest first: the sections thread (every item and event, with edit tools).
  task('sections thread', (page) => visit(page, 'thread', `/threads/${X.slug}`));
  task('sections thread (anonymous)', (page) => visit(page, 'thread', `/threads/${X.slug}`), 'anonymous');
  task('home', (page) => visitAll(page, 'home', '/'));
  task('events index', (page) => visitAll(page, 'events index', '/events'));
  for (const id of [...E.all, ...spread(E.packed, SAMPLE), ...E.urlAccepted]) {
    task(`event ${id}`, (page) => visit(page, 'event', `/events/${id}`));
  }
  for (const id of [...spread(E.packed, SAMPLE), E.all[0]]) {
    task(`event ${id} edit`, (page) => visit(page, 'event edit form', `/events/${id}/edit`));
  }
  for (const kind of KINDS) {
    for (const id of spread(X.ids[kind], SAMPLE)) {
      task(`${kind} ${id} edit`, (page) => visit(page, `${kind} edit form`, `/threads/${X.slug}/${kind}/${id}/edit`));
    }
  }
  task('add section item forms', async (page) => {
    for (const kind of KINDS) await visit(page, 'new item form', `/threads/${X.slug}/${kind}/new`);
  });

  // The synthesis thread: page, history, editor (with the preview), revisions, diffs, conflicts.
  task('synthesis thread', (page) => visit(page, 'thread', `/threads/${S.slug}`));
  task('synthesis history', (page) => visitAll(page, 'history', `/threads/${S.slug}/history`));
  task('synthesis editor', (page) => visit(page, 'synthesis edit form', `/threads/${S.slug}/synthesis/edit`));
  const summarySeqs = S.summaryPacks.map((_, r) => r + 1);
  for (const seq of [S.allSeq, S.headSeq, ...spread(summarySeqs, SAMPLE), ...spread(S.revertSeqs, SAMPLE)]) {
    task(`revision ${seq}`, (page) => visit(page, 'revision', `/threads/${S.slug}/revisions/${seq}`));
  }
  for (const [from, to] of [[1, S.allSeq], [S.allSeq, S.allSeq + 1], [S.revertSeqs.at(-1), S.headSeq]]) {
    task(`diff ${from}-${to}`, (page) => visit(page, 'diff', `/threads/${S.slug}/diff?from=${from}&to=${to}`));
  }
  for (const r of spread(S.summaryPacks.map((_, r) => r), SAMPLE)) {
    const p = S.summaryPacks[r];
    task(`synthesis conflict ${r}`, async (page) => {
      await visit(page, 'revision', `/threads/${S.slug}/revisions/${r + 1}`);
      const started = Date.now();
      const fields = { base_seq: '1', body: `${ALL}\n\nmine`, summary: p.value };
      const response = await postFrom(page, `/threads/${S.slug}/synthesis`, fields);
      await settle(page, 'conflict', response, 409, started);
    });
  }

  // Threads named by payloads: every one on its page (title in <title> and <h1>, framing question
  // as text). Their details forms (title in an <input>, framing question in a <textarea>) for the
  // first threads, which between them carry every framing-question pack: the same form template
  // shows every payload in both contexts on the sign-up and synthesis editor pages. The other
  // pages that name a thread for a sample.
  const sampled = new Set(spread(T, SAMPLE));
  const withDetails = new Set(FULL ? T : T.filter((t) => t.framingIndex === T.indexOf(t)));
  for (const t of T) {
    task(`titled ${t.slug}`, async (page) => {
      await visit(page, 'thread', `/threads/${t.slug}`);
      if (withDetails.has(t)) await visit(page, 'thread details form', `/threads/${t.slug}/edit`);
      if (!sampled.has(t)) return;
      await visit(page, 'history', `/threads/${t.slug}/history`);
      await visit(page, 'revision', `/threads/${t.slug}/revisions/1`);
      await visit(page, 'add event form', `/threads/${t.slug}/events/new`);
      await visit(page, 'diff', `/threads/${t.slug}/diff?from=1&to=2`);
      const started = Date.now();
      const response = await postFrom(page, `/threads/${t.slug}/synthesis`, {
        base_seq: '1',
        body: `${t.pack.members.join('\n\n')}\n\nmine`,
        summary: t.pack.value,
      });
      await settle(page, 'conflict', response, 409, started);
    });
  }

  // Someone not logged in types payloads as a username: the refusal shows the form again with
  // the value in it (all payloads at once, and a few alone); the login form does the same.
  const packedName = PAYLOADS.join(' ');
  const singles = spread(PAYLOADS.filter((p) => /["'`]/.test(p)), SAMPLE);
  for (const name of [packedName, ...singles]) {
    task(
      'sign-up with a payload username',
      async (page) => {
        await visit(page, 'signup', '/signup');
        const started = Date.now();
        const response = await submitForm(page, { Username: name, Password: PASSWORD }, 'Create account');
        await settle(page, 'signup refused', response, 422, started);
      },
      'anonymous',
    );
  }
  for (const name of singles) {
    task(
      'login with a payload username',
      async (page) => {
        await visit(page, 'login', '/login');
        const started = Date.now();
        const response = await submitForm(page, { Username: name, Password: PASSWORD }, 'Log in');
        await settle(page, 'login refused', response, 401, started);
      },
      'anonymous',
    );
  }

  /** `WORKERS` tabs in each context take the next task, in the context it asks for. */
  async function run(contextsByRole) {
    const workers = [];
    for (let i = 0; i < WORKERS; i += 1) {
      const tabs = {};
      for (const [as, context] of Object.entries(contextsByRole)) tabs[as] = await context.newPage();
      workers.push(tabs);
    }
    let next = 0;
    await Promise.all(
      workers.map(async (tabs) => {
        while (next < tasks.length) {
          const { name, fn, as } = tasks[next];
          next += 1;
          try {
            await fn(tabs[as]);
          } catch (error) {
            result.errors.push(`${name}: ${error.message.split('\n')[0]}`);
            await captureFailure(`xss ${label} ${name}`, [tabs[as]]).catch(() => {});
          }
        }
      }),
    );
  }

  const started = Date.now();
  try {
    const curator = await newContext();
    const login = await curator.request.post(`${base}/api/v1/session`, { data: { username: CURATOR, password: PASSWORD } });
    assert.equal(login.status(), 200, 'the curator logs in');
    const anonymous = await newContext();
    await run({ curator, anonymous });
  } finally {
    for (const context of contexts) await context.close().catch(() => {});
  }
  result.ms = Date.now() - started;
  return result;
}

function report(result) {
  return [
    `${result.label}: ${result.renders} renders in ${result.ms} ms (${Object.entries(result.byType)
      .map(([k, v]) => `${k} ${v} in ${result.msByType[k]} ms`)
      .join(', ')})`,
    `  dialogs ${result.dialogs.length}, print/title/CSP hits ${result.hits.length}, DOM findings ${result.findings.length}, ` +
      `navigations ${result.navigations.length}, wrong statuses ${result.statuses.length}, errors ${result.errors.length}, ` +
      `page errors ${result.pageErrors.length}, console errors/warnings ${result.console.length}`,
  ].join('\n');
}

function assertClean(result) {
  const show = (list) => list.slice(0, 20).join('\n');
  assert.deepEqual(result.dialogs, [], `${result.label}: payloads opened dialogs:\n${show(result.dialogs)}`);
  const hits = result.hits.map((h) => `${h.kind} on ${h.url}: ${h.detail}`);
  assert.deepEqual(hits, [], `${result.label}: payloads ran (print, title) or were blocked only by the CSP`);
  assert.deepEqual(result.navigations, [], `${result.label}: payloads navigated away`);
  assert.deepEqual(result.findings, [], `${result.label}: active content survived:\n${show(result.findings)}`);
  assert.deepEqual(result.errors, [], `${result.label}: rendering failed:\n${show(result.errors)}`);
  assert.deepEqual(result.statuses, [], `${result.label}: unexpected HTTP statuses:\n${show(result.statuses)}`);
  assert.ok(result.renders > 0);
}

before(async () => {
  const started = Date.now();
  server = await startServer();
  browser = await launchBrowser();
  seed = await seedData();
  console.log(`seeded ${PAYLOADS.length} payloads in ${Date.now() - started} ms`);
  const start = (label, options) => {
    const pass = renderPass(label, options);
    pass.then((result) => passes.push(result)).catch(() => {});
    return pass;
  };
  running = { enforced: start('CSP enforced', {}), bypassed: start('CSP bypassed', { bypassCSP: true }) };
});

after(async () => {
  const sizes = [...coverage].map(([field, set]) => [field, set.size]);
  const total = sizes.reduce((n, [, size]) => n + size, 0);
  const lines = [
    `${PAYLOADS.length} payloads; ${coverage.size} fields; ${total} payload x field combinations sent ` +
      `(stored, or refused by the field's rules: usernames, event links) (${sizes.map((f) => f.join(' ')).join(', ')})`,
    seed ? `event link field: ${seed.events.urlRejected} payloads refused (422), ${seed.events.urlAccepted.length} stored` : '',
    ...passes.map(report),
  ];
  console.log(lines.join('\n'));
  mkdirSync(path.join(ROOT, 'target/e2e-logs'), { recursive: true });
  writeFileSync(
    path.join(ROOT, 'target/e2e-logs/xss-summary.json'),
    JSON.stringify({ payloads: PAYLOADS.length, full: FULL, coverage: Object.fromEntries(sizes), passes }, null, 2),
  );
  await browser?.close();
  await server?.stop();
});

test('sign-up refuses every payload as a username with 422 and creates no account', async () => {
  const anonymous = apiClient(server.baseUrl);
  await anonymous.refreshToken();
  const users = await server.sql('SELECT count(*) FROM users;');
  const wrong = [];
  await mapLimit([...PAYLOADS, PAYLOADS.join(' ')], 6, async (username) => {
    const res = await anonymous.form('/signup', { username, password: PASSWORD });
    if (res.status !== 422) wrong.push(`${res.status} for ${username}`);
  });
  cover('username', PAYLOADS);
  assert.deepEqual(wrong, [], 'every payload-like username is refused with 422');
  assert.equal(await server.sql('SELECT count(*) FROM users;'), users, 'no account was created');
});

test('a refused login shows a username of every payload at once again, escaped, with 401', async (t) => {
  const context = await browser.newContext();
  context.setDefaultTimeout(ACTION_MS);
  const hits = [];
  const dialogs = [];
  await installHooks(context, (hit) => hits.push(hit));
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    return dialog.dismiss().catch(() => {});
  });
  try {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('Username', { exact: true }).fill(PAYLOADS.join(' '));
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    const [response] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Log in' }).click()]);
    const findings = await page.evaluate(auditDom);
    assert.deepEqual([dialogs, hits, findings], [[], [], []], 'nothing ran and nothing active is on the page');
    assert.equal(response.status(), 401, 'a long unknown username is refused like any other, not with a server error');
    assert.equal(await page.getByLabel('Username', { exact: true }).inputValue(), PAYLOADS.join(' '), 'the form shows it again');
  } catch (error) {
    await captureFailure(t.name, [page]);
    throw error;
  } finally {
    await context.close();
  }
});

test('no payload runs on any page, with the Content-Security-Policy in force', async () => {
  assertClean(await running.enforced);
});

test('no payload runs with the CSP bypassed: sanitizing and escaping hold on their own', async () => {
  assertClean(await running.bypassed);
});
