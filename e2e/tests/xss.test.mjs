// Stored XSS: every payload of tests/xss-payloads.txt goes through every field a user can write
// and every page that shows the field is rendered in Chromium, which watches for execution:
// dialogs (alert/confirm/prompt), calls of window.print, document.title set to 'XSS', CSP
// violations, navigations away from the site, and a DOM audit for anything active that got
// through (handlers, javascript: URLs, scripts, frames, objects, base, meta refresh, ...).
// The pages are rendered twice: with the app's Content-Security-Policy in force, and with it
// bypassed, to show that sanitizing (ammonia) and escaping (askama) hold on their own.
//
// Every field: the text inputs and textareas of the forms on every rendered page and the string
// properties of the request bodies in /api/v1/openapi.json (lib/fields.mjs); a test fails when one
// of them did not get every payload (a form field is covered by the API operation it shares, if
// any), so a new field cannot be missed. Payloads longer than a field allows are cut to fit.
// Fields whose rules refuse payloads (slugs, dates, usernames, e-mail) must refuse them without a
// 5xx; refused form values shown again on the form are rendered too.
//
// To stay fast, data is written through the JSON API (forms only where there is no API), Markdown
// bodies carry payloads both one per item (each sanitized alone) and all together, and
// length-limited single-line fields carry as many whole payloads as fit, joined by spaces. Every
// record of every page type is rendered (XSS_SAMPLE=1 renders a spread sample of the pages that
// repeat one template per record, for a quicker local run).
// A summary goes to stdout and target/e2e-logs/xss-summary.json.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';

import { TIMEOUT_MS, captureFailure } from '../lib/browser.mjs';
import { useApp } from '../lib/fixture.mjs';
import { PASSWORD, ROOT } from '../lib/server.mjs';
import { TEXT_INPUT_TYPES, apiTextFields, apiTwin, formFieldName, formFieldsInPage } from '../lib/fields.mjs';
import { apiClient, auditDom, cut, installHooks, loadPayloads, mapLimit, pack, spread } from '../lib/xss.mjs';

// The full run (every record of every page type) is the default, as in CI; XSS_SAMPLE=1 renders a
// spread sample of the pages that repeat one template per record, for a quicker local run.
const FULL = process.env.XSS_SAMPLE !== '1';
/** How many records of each sampled page type are rendered. */
const SAMPLE = FULL ? Number.POSITIVE_INFINITY : 5;
/** Browser tabs rendering at once, per pass and context (the two passes run side by side). */
const WORKERS = 3;
/** Page loads may take longer than a click: the sections thread holds ~600 items. */
const NAVIGATION_MS = 30_000;
/** Actions wait longer than elsewhere: hundreds of pages render in parallel tabs. */
const ACTION_MS = 4 * TIMEOUT_MS;

const CURATOR = 'xss-curator';
const MODERATOR = 'xss-moderator';
const READER = 'xss-reader';
const VICTIM = 'xss-victim';
const PAYLOADS = loadPayloads();
const ALL = PAYLOADS.join('\n\n');
const SECTION_BODY_MAX_BYTES = 20_000;
const KINDS = ['interpretations', 'arc', 'questions', 'controversies'];
const SYN = '/api/v1/threads/{slug}/synthesis';

const app = useApp({ setup: seedAndRender });
let seed;
/** The two rendering passes, started together once the data is in; each test awaits its own. */
let running;
const passes = [];

/** Which payloads went into which field (only counted once the server stored them). */
const coverage = new Map();
/** Every form text field seen on a rendered page, by name (see lib/fields.mjs). */
const scraped = new Set();
function cover(field, members) {
  if (!coverage.has(field)) coverage.set(field, new Set());
  for (const m of members) coverage.get(field).add(m);
}

const day = (i) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

/** Writes everything through the API; resolves to what the passes need to visit. */
async function seedData() {
  await app.server.createUser(CURATOR, 'curator');
  const api = apiClient(app.baseUrl);
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
    cover(`POST ${SYN} summary`, p.members);
    cover(`POST ${SYN} body`, p.members);
  }
  const packsCount = synthesis.summaryPacks.length;
  synthesis.allSeq = await save(ALL, 'Every payload in one body');
  cover(`POST ${SYN} body`, PAYLOADS);
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
    cover('POST /api/v1/threads/{slug}/revisions/{seq}/revert reason', p.members);
  }
  synthesis.headSeq = await save(ALL, 'Every payload again');

  // The sections thread: an interpretation per payload (title, body and proponents: each body is
  // sanitized alone), and arc periods, controversies and questions carrying packs of payloads.
  const sections = { slug: 'xss-sections', ids: Object.fromEntries(KINDS.map((k) => [k, []])) };
  await createThread('XSS sections', 'Do any of these items run?', sections.slug);
  const titlePacks = pack(PAYLOADS, 200);
  const labelPacks = pack(PAYLOADS, 40);
  const items = [
    ...PAYLOADS.map((p) => ({ kind: 'interpretations', body: { title: p, body: p, proponents: cut(p, 120) } })),
    ...Array.from({ length: Math.max(titlePacks.length, labelPacks.length) }, (_, i) => {
      const title = titlePacks[i % titlePacks.length];
      const label = labelPacks[i % labelPacks.length];
      return { kind: 'arc', body: { label: label.value, title: title.value, body: title.members.join('\n\n') } };
    }),
    ...titlePacks.map((p) => ({ kind: 'controversies', body: { title: p.value, body: p.members.join('\n\n') } })),
    ...pack(PAYLOADS, 1000).map((p) => ({ kind: 'questions', body: { question: p.value } })),
  ];
  // Every item carries a reason too (kept in the changelog): the packs of 300 characters, in turn.
  const reasonPacks = pack(PAYLOADS, 300);
  const reasonCount = Object.fromEntries(KINDS.map((k) => [k, 0]));
  for (const item of items) {
    const i = reasonCount[item.kind];
    reasonCount[item.kind] += 1;
    if (i < reasonPacks.length) item.body.reason = reasonPacks[i].value;
  }
  // Kinds with fewer items than reason packs (questions) get more items, to carry the rest.
  for (const kind of KINDS) {
    for (let i = reasonCount[kind]; i < reasonPacks.length; i += 1) {
      const carrier = { questions: { question: `Reason carrier ${i}?` }, arc: { label: `${i}`, title: `Carrier ${i}`, body: 'Carries a reason.' } }[kind] ?? { title: `Carrier ${i}`, body: 'Carries a reason.' };
      items.push({ kind, body: { ...carrier, reason: reasonPacks[i].value } });
    }
    reasonCount[kind] = Math.max(reasonCount[kind], reasonPacks.length);
  }
  await mapLimit(items, 6, async (item) => {
    const res = await api.json('POST', `/api/v1/threads/${sections.slug}/${item.kind}`, item.body, [201]);
    item.id = res.data.id;
  });
  for (const kind of KINDS) sections.ids[kind] = items.filter((i) => i.kind === kind).map((i) => i.id);
  const ITEMS = '/api/v1/threads/{slug}';
  for (const f of ['title', 'body', 'proponents']) cover(`POST ${ITEMS}/interpretations ${f}`, PAYLOADS);
  cover(`POST ${ITEMS}/arc label`, labelPacks.flatMap((p) => p.members));
  cover(`POST ${ITEMS}/arc title`, titlePacks.flatMap((p) => p.members));
  cover(`POST ${ITEMS}/arc body`, titlePacks.flatMap((p) => p.members));
  cover(`POST ${ITEMS}/questions question`, PAYLOADS);
  cover(`POST ${ITEMS}/controversies title`, titlePacks.flatMap((p) => p.members));
  cover(`POST ${ITEMS}/controversies body`, titlePacks.flatMap((p) => p.members));
  for (const kind of KINDS) {
    cover(`POST ${ITEMS}/${kind} reason`, reasonPacks.slice(0, reasonCount[kind]).flatMap((p) => p.members));
  }

  const events = { packed: [], all: [], standalone: [], urlAccepted: [], urlRejected: 0 };
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
        reason: p.value,
      },
      [201],
    );
    events.packed[j] = res.data.id;
  });
  cover('POST /api/v1/threads/{slug}/events title', PAYLOADS);
  cover('POST /api/v1/threads/{slug}/events url', PAYLOADS);
  cover('POST /api/v1/threads/{slug}/events body', PAYLOADS);
  cover('POST /api/v1/threads/{slug}/events reason', PAYLOADS);
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
  cover('POST /api/v1/events url', PAYLOADS);
  await mapLimit(pack(PAYLOADS, 300), 6, async (p, k) => {
    const body = { date: day(810), title: p.value, reason: p.value, body: p.members.join('\n\n'), url: `https://example.org/${k}` };
    const res = await api.json('POST', '/api/v1/events', body, [201]);
    events.standalone.push(res.data.id);
    for (const f of ['title', 'reason', 'body']) cover(`POST /api/v1/events ${f}`, p.members);
  });

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
  cover('POST /api/v1/threads title', titlePacks.flatMap((p) => p.members));
  cover('POST /api/v1/threads framing_question', framingPacks.flatMap((p) => p.members));

  // Sources (issue 16): packs of payloads as title, publisher and reason; each payload as the
  // address (only http(s) addresses are stored, anything stored is rendered) and as the date
  // (refused).
  const sources = { packed: [], urlAccepted: [] };
  await mapLimit(pack(PAYLOADS, 300), 6, async (p, k) => {
    const body = {
      title: p.value, publisher: p.value, reason: p.value, url: `https://example.org/source/${k}?q=${encodeURIComponent(p.value)}`, kind: 'article', tier: 'secondary',
    };
    const res = await api.json('POST', '/api/v1/sources', body, [201]);
    sources.packed.push(res.data.id);
    for (const f of ['title', 'publisher', 'reason', 'url']) cover(`POST /api/v1/sources ${f}`, p.members);
  });
  await mapLimit(PAYLOADS, 6, async (p, k) => {
    const res = await api.json('POST', '/api/v1/sources', { title: `Source link attempt ${k}`, url: p, kind: 'other', tier: 'opinion' }, [201, 409, 422]);
    if (res.status === 201) sources.urlAccepted.push(res.data.id);
    await api.json('POST', '/api/v1/sources', { title: `Source date attempt ${k}`, published_on: p, kind: 'other', tier: 'opinion' }, [422]);
  });
  cover('POST /api/v1/sources url', PAYLOADS);
  cover('POST /api/v1/sources published_on', PAYLOADS);
  return { synthesis, sections, events, titled, sources };
}

/**
 * The fields the first seed does not reach: every edit (PUT) of items and events, moderation
 * (hide, unhide, lock, unlock), answers, curators, roles and suspensions, undo and rollback,
 * digest settings, and fields whose rules refuse payloads (slugs, dates, usernames, e-mail).
 * A reader follows the threads first, so that their notifications and following pages name them.
 */
async function seedMore(first) {
  const { titled } = first;
  await app.server.createUser(MODERATOR, 'moderator');
  await app.server.createUser(READER, 'reader');
  await app.server.createUser(VICTIM, 'curator');
  const cur = apiClient(app.baseUrl);
  await cur.login(CURATOR, PASSWORD);
  const mod = apiClient(app.baseUrl);
  await mod.login(MODERATOR, PASSWORD);
  const reader = apiClient(app.baseUrl);
  await reader.login(READER, PASSWORD);
  const P300 = pack(PAYLOADS, 300);
  const P200 = pack(PAYLOADS, 200);
  const P1000 = pack(PAYLOADS, 1000);
  const P2000 = pack(PAYLOADS, 2000);
  const P40 = pack(PAYLOADS, 40);
  const newThread = (slug, title) =>
    cur.json('POST', '/api/v1/threads', { title, framing_question: 'Does it run?', slug, status: 'active', stance: 'contested' }, [201]);

  // The reader follows every thread; each titled thread then changes once more.
  const edits = 'xss-edits';
  const undo = 'xss-undo';
  await newThread(edits, 'XSS edits');
  await newThread(undo, 'XSS undo');
  const followed = [edits, undo, first.synthesis.slug, first.sections.slug, ...titled.map((t) => t.slug)];
  await mapLimit(followed, 6, (slug) => reader.json('PUT', `/api/v1/threads/${slug}/follow`, undefined, [200, 201, 204]));
  await mapLimit(titled, 6, (t) =>
    cur.json('POST', `/api/v1/threads/${t.slug}/synthesis`, { base_seq: 2, body: 'third', summary: t.pack.value }, [201]),
  );

  // Each kind of item and an event, edited once per pack of each of its fields.
  const itemFields = {
    arc: { label: P40, title: P200, body: P300, reason: P300 },
    interpretations: { title: P200, body: P300, proponents: pack(PAYLOADS, 120, '\n'), reason: P300 },
    questions: { question: P1000, reason: P300 },
    controversies: { title: P200, body: P300, reason: P300 },
  };
  const edited = {};
  await mapLimit(Object.entries(itemFields), 4, async ([kind, fields]) => {
    const start = Object.fromEntries(Object.keys(fields).filter((f) => f !== 'reason').map((f) => [f, 'start']));
    const res = await cur.json('POST', `/api/v1/threads/${edits}/${kind}`, start, [201]);
    const id = res.data.id;
    const form = await cur.get(`/threads/${edits}/${kind}/${id}/edit`);
    let version = Number(/name="base_version" value="(\d+)"/.exec(form.text)[1]);
    const rounds = Math.max(...Object.values(fields).map((packs) => packs.length));
    for (let r = 0; r < rounds; r += 1) {
      const body = { base_version: version };
      for (const [f, packs] of Object.entries(fields)) {
        const p = packs[r % packs.length];
        body[f] = f === 'body' ? p.members.join('\n\n') : p.value;
      }
      await cur.json('PUT', `/api/v1/threads/${edits}/${kind}/${id}`, body, [200]);
      version += 1;
    }
    for (const [f, packs] of Object.entries(fields)) cover(`PUT /api/v1/threads/{slug}/${kind}/{id} ${f}`, packs.flatMap((p) => p.members));
    edited[kind] = { id, versions: rounds + 1 };
  });
  const eventRes = await cur.json('POST', `/api/v1/threads/${edits}/events`, { date: day(900), title: 'An edited event', significance: 'major' }, [201]);
  const eventId = eventRes.data.id;
  for (const [r, p] of P300.entries()) {
    const body = { date: day(900), title: p.value, body: p.members.join('\n\n'), reason: p.value, url: `https://example.org/?q=${p.value}` };
    await cur.json('PUT', `/api/v1/events/${eventId}`, body, [200]);
    if (r === P300.length - 1) break;
  }
  for (const f of ['title', 'body', 'reason', 'url']) cover(`PUT /api/v1/events/{id} ${f}`, PAYLOADS);
  // A source corrected once per pack (its history and field changes show them), and refused dates.
  const sourceRes = await cur.json('POST', '/api/v1/sources', { title: 'An edited source', kind: 'paper', tier: 'primary' }, [201]);
  const sourceId = sourceRes.data.id;
  for (const [r, p] of P300.entries()) {
    const body = {
      title: p.value, publisher: p.value, reason: p.value, url: `https://example.org/edited-source?q=${encodeURIComponent(p.value)}`, kind: 'paper', tier: 'primary', base_version: r + 1,
    };
    await cur.json('PUT', `/api/v1/sources/${sourceId}`, body, [200]);
  }
  for (const f of ['title', 'publisher', 'reason', 'url']) cover(`PUT /api/v1/sources/{id} ${f}`, PAYLOADS);
  await mapLimit(PAYLOADS, 6, (p) =>
    cur.json('PUT', `/api/v1/sources/${sourceId}`, { title: 'x', kind: 'paper', tier: 'primary', reason: 'r', base_version: 1, published_on: p }, [422]),
  );
  cover('PUT /api/v1/sources/{id} published_on', PAYLOADS);

  // The matrix cell of the edited interpretation and event: its note and reason, once per pack.
  const cell = `/api/v1/threads/${edits}/matrix/${edited.interpretations.id}/${eventId}`;
  for (const [version, p] of P300.entries()) {
    await cur.json('PUT', cell, { assessment: 'supports', note: p.value, reason: p.value, base_version: version }, [200]);
  }
  for (const f of ['note', 'reason']) {
    cover(`PUT /api/v1/threads/{slug}/matrix/{interpretation_id}/{event_id} ${f}`, P300.flatMap((p) => p.members));
  }

  // Deleting items through their confirmation form, whose reason has no API twin (the API's
  // DELETE takes none): per kind, one item per reason pack, deleted with that pack as the reason.
  const carrier = (kind, i) =>
    ({ questions: { question: `Deleted ${i}?` }, arc: { label: `${i}`, title: `Deleted ${i}`, body: 'Goes.' } })[kind] ?? {
      title: `Deleted ${i}`,
      body: 'Goes.',
    };
  await mapLimit(KINDS, 4, async (kind) => {
    for (const [i, p] of P300.entries()) {
      const made = await cur.json('POST', `/api/v1/threads/${edits}/${kind}`, carrier(kind, i), [201]);
      const res = await cur.form(`/threads/${edits}/${kind}/${made.data.id}/delete`, { reason: p.value });
      if (res.status !== 303) throw new Error(`deleting ${kind} ${made.data.id}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
      cover(`POST /threads/{slug}/${kind}/{id}/delete reason`, p.members);
    }
  });

  // Answers and reopenings of the edited question.
  const question = edited.questions.id;
  for (const [r, p] of P2000.entries()) {
    const reason = P300[r % P300.length];
    await mod.json('POST', `/api/v1/threads/${edits}/questions/${question}/answer`, { answer: p.value, reason: reason.value }, [200, 201]);
    cover('POST /api/v1/threads/{slug}/questions/{id}/answer answer', p.members);
    cover('POST /api/v1/threads/{slug}/questions/{id}/answer reason', reason.members);
    if (r < P2000.length - 1) {
      await mod.json('POST', `/api/v1/threads/${edits}/questions/${question}/reopen`, { reason: reason.value }, [200, 201]);
      cover('POST /api/v1/threads/{slug}/questions/{id}/reopen reason', reason.members);
    }
  }
  for (const p of P300.slice(P2000.length - 1)) {
    await mod.json('POST', `/api/v1/threads/${edits}/questions/${question}/reopen`, { reason: p.value }, [200, 201, 409, 422]);
    await mod.json('POST', `/api/v1/threads/${edits}/questions/${question}/answer`, { answer: 'again', reason: p.value }, [200, 201]);
    cover('POST /api/v1/threads/{slug}/questions/{id}/answer reason', p.members);
    cover('POST /api/v1/threads/{slug}/questions/{id}/reopen reason', p.members);
  }

  // Undo and rollback on their own thread: each round saves a paragraph and takes it back.
  let head = 0;
  const save = async (api, body) => {
    head = (await api.json('POST', `/api/v1/threads/${undo}/synthesis`, { base_seq: head, body, summary: 'a round' }, [201])).data.seq;
  };
  await save(cur, 'The first paragraph.');
  for (const p of P300) {
    await save(cur, `The first paragraph.\n\nA second one for ${head}.`);
    const undone = await mod.json('POST', `/api/v1/threads/${undo}/revisions/${head}/undo`, { base_seq: head, reason: p.value }, [200, 201]);
    head = undone.data.seq;
    await save(cur, `The first paragraph.\n\nAnother for ${head}.`);
    const rolled = await mod.json('POST', `/api/v1/threads/${undo}/rollback`, { username: CURATOR, base_seq: head, reason: p.value }, [200, 201]);
    head = rolled.data.seq;
    cover('POST /api/v1/threads/{slug}/revisions/{seq}/undo reason', p.members);
    cover('POST /api/v1/threads/{slug}/rollback reason', p.members);
  }

  // Moderation: hide and unhide changes of the undo thread, lock and unlock it, curators added
  // and removed, role changes and suspensions of one user: one reason pack each time.
  const changes = (await mod.get(`/api/v1/threads/${undo}/changes`)).data.changes.map((c) => c.id);
  for (const [r, p] of P300.entries()) {
    const change = changes[r % changes.length];
    await mod.json('POST', `/api/v1/changes/${change}/hide`, { reason: p.value }, [200, 201, 204]);
    await mod.json('POST', `/api/v1/changes/${change}/unhide`, { reason: p.value }, [200, 201, 204]);
    await mod.json('POST', `/api/v1/threads/${undo}/lock`, { reason: p.value }, [200, 201]);
    await mod.json('POST', `/api/v1/threads/${undo}/unlock`, { reason: p.value }, [200, 201]);
    await mod.json('POST', `/api/v1/threads/${undo}/curators`, { username: VICTIM, reason: p.value }, [200, 201]);
    await mod.json('DELETE', `/api/v1/threads/${undo}/curators/${VICTIM}`, undefined, [200, 201, 204]);
  }
  for (const f of ['changes/{id}/hide', 'changes/{id}/unhide', 'threads/{slug}/lock', 'threads/{slug}/unlock', 'threads/{slug}/curators']) {
    cover(`POST /api/v1/${f} reason`, PAYLOADS);
  }
  // The last hide stays, so the moderation log and the queue show a hidden change.
  await mod.json('POST', `/api/v1/changes/${changes[0]}/hide`, { reason: P300[0].value }, [200, 201, 204]);
  const victim = await app.sql(`SELECT id FROM users WHERE username = :'name';`, { name: VICTIM });
  for (const [r, p] of P300.entries()) {
    await mod.json('POST', `/api/v1/users/${victim}/role`, { role: r % 2 === 0 ? 'reader' : 'curator', reason: p.value }, [200, 201, 204]);
    await mod.json('POST', `/api/v1/users/${victim}/suspend`, { reason: p.value }, [200, 201, 204]);
    await mod.json('POST', `/api/v1/users/${victim}/unsuspend`, { reason: p.value }, [200, 201, 204]);
  }
  for (const f of ['role', 'suspend', 'unsuspend']) cover(`POST /api/v1/users/{id}/${f} reason`, PAYLOADS);

  // The governed stance label: a proposal per pack of rationales (Markdown, up to 20 KB), each
  // rejected with a reason pack; the last proposal stays open, so the thread page, the label
  // history and the review queue show a pending one.
  const proposal = (rationale) =>
    cur.json('POST', `/api/v1/threads/${edits}/stance/proposals`, { stance: 'settled', rationale }, [201]);
  const rounds = Math.max(P300.length, P2000.length);
  for (let r = 0; r < rounds; r += 1) {
    const made = await proposal(P2000[r % P2000.length].value);
    const reason = P300[r % P300.length].value;
    await mod.json('POST', `/api/v1/threads/${edits}/stance/proposals/${made.data.id}/reject`, { reason }, [200]);
  }
  await proposal(PAYLOADS.join('\n\n'));
  cover('POST /api/v1/threads/{slug}/stance/proposals rationale', PAYLOADS);
  cover('POST /api/v1/threads/{slug}/stance/proposals/{id}/reject reason', PAYLOADS);
  // A moderator leaves the reader's ratings out of the fairness model and counts them again.
  const readerId = await app.sql(`SELECT id FROM users WHERE username = :'name';`, { name: READER });
  for (const p of P300) {
    await mod.json('POST', `/api/v1/users/${readerId}/ratings-exclusion`, { reason: p.value }, [200]);
    await mod.json('DELETE', `/api/v1/users/${readerId}/ratings-exclusion`, { reason: p.value }, [200]);
  }
  for (const m of ['POST', 'DELETE']) cover(`${m} /api/v1/users/{id}/ratings-exclusion reason`, PAYLOADS);

  // Fields whose rules refuse payloads: each payload alone (cut to the field's limit) must be
  // answered with a 4xx, never stored, never a 5xx.
  const refused = [];
  const refuse = async (name, send, { field = true } = {}) => {
    await mapLimit(PAYLOADS, 6, async (p) => {
      const res = await send(p);
      if (res.status >= 500) refused.push(`${name}: HTTP ${res.status} for ${p}`);
    });
    if (field) cover(name, PAYLOADS);
  };
  const ok = null; // any status: only a 5xx is wrong, checked above
  await refuse('POST /api/v1/threads slug', (p) =>
    cur.json('POST', '/api/v1/threads', { title: 'Slug attempt', framing_question: 'Slug?', slug: cut(p, 80) }, ok),
  );
  await refuse('POST /api/v1/threads/{slug}/lock until', (p) => mod.json('POST', `/api/v1/threads/${undo}/lock`, { reason: 'until', until: p }, ok));
  await refuse('POST /api/v1/users/{id}/suspend until', (p) => mod.json('POST', `/api/v1/users/${victim}/suspend`, { reason: 'until', until: p }, ok));
  await refuse('POST /api/v1/threads/{slug}/curators username', (p) => mod.json('POST', `/api/v1/threads/${undo}/curators`, { username: p }, ok));
  await refuse('POST /api/v1/threads/{slug}/rollback username', (p) =>
    mod.json('POST', `/api/v1/threads/${undo}/rollback`, { username: p, base_seq: head }, ok),
  );
  await refuse('PUT /api/v1/account/digest email', (p) => reader.json('PUT', '/api/v1/account/digest', { digest: 'daily', email: p }, ok));
  await refuse('PUT /api/v1/account/digest digest', (p) => reader.json('PUT', '/api/v1/account/digest', { digest: p, email: 'r@example.org' }, ok));
  // Issue 18: the reader names personal API tokens with every payload (their account page lists
  // the names); a scope is `read` or `write`, anything else refused.
  for (const p of pack(PAYLOADS, 100)) await reader.json('POST', '/api/v1/account/tokens', { name: p.value, scope: 'read' }, [201]);
  cover('POST /api/v1/account/tokens name', PAYLOADS);
  await refuse('POST /api/v1/account/tokens scope', (p) => reader.json('POST', '/api/v1/account/tokens', { name: 'scope attempt', scope: p }, ok));
  // The event to link is picked from search results (no text field), but the endpoint takes
  // whatever is posted, so every payload goes there too.
  await refuse('POST /threads/{slug}/events/link event_id', (p) => cur.form(`/threads/${edits}/events/link`, { event_id: p }), {
    field: false,
  });
  // One login with every payload as the username (each failed login counts against the throttle).
  const login = await fetch(`${app.baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: PAYLOADS.join(' '), password: PASSWORD }),
  });
  if (login.status >= 500) refused.push(`POST /api/v1/session username: HTTP ${login.status}`);
  cover('POST /api/v1/session username', PAYLOADS);

  // The thread details form (no API twin): each titled thread saved again with its title, framing
  // question and a reason pack, through the form.
  await mapLimit(titled, 6, async (t, j) => {
    const reason = P300[j % P300.length];
    const res = await cur.form(`/threads/${t.slug}/edit`, { title: t.pack.value, framing_question: t.framing.value, reason: reason.value });
    if (res.status !== 303) refused.push(`POST /threads/${t.slug}/edit: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    else cover('POST /threads/{slug}/edit reason', reason.members);
  });
  cover('POST /threads/{slug}/edit title', titled.flatMap((t) => t.pack.members));
  cover('POST /threads/{slug}/edit framing_question', titled.flatMap((t) => t.framing.members));
  // Reasons beyond the titled threads' count go to the edits thread.
  for (const p of P300.slice(titled.length)) {
    const res = await cur.form(`/threads/${edits}/edit`, { title: 'XSS edits', framing_question: 'Does it run?', reason: p.value });
    if (res.status === 303) cover('POST /threads/{slug}/edit reason', p.members);
  }
  return { edits, undo, edited, eventId, sourceId, refused, victim };
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
  const base = app.baseUrl;

  async function newContext() {
    const context = await app.browser.newContext(contextOptions);
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
    const got = response?.status();
    const fine = status === 'any' ? got !== undefined && got < 500 : Array.isArray(status) ? status.includes(got) : got === status;
    if (!fine) result.statuses.push(`${type} ${where}: HTTP ${got}, expected ${status}`);
    for (const f of await page.evaluate(formFieldsInPage, TEXT_INPUT_TYPES)) scraped.add(formFieldName(f));
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

  const { synthesis: S, sections: X, events: E, titled: T, sources: SRC, more: M } = seed;
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
  // The confirmations before deleting (showing the item), reverting and undoing (showing the diff).
  for (const kind of KINDS) {
    for (const id of spread(X.ids[kind], SAMPLE)) {
      task(`${kind} ${id} delete`, (page) => visit(page, 'delete confirmation', `/threads/${X.slug}/${kind}/${id}/delete`));
    }
  }
  task('revert and undo confirmations', async (page) => {
    await visit(page, 'revert confirmation', `/threads/${S.slug}/revisions/${S.allSeq}/revert`);
    await visit(page, 'undo confirmation', `/threads/${S.slug}/revisions/${S.allSeq}/undo`);
  });
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

  const P300 = pack(PAYLOADS, 300);
  const P2000 = pack(PAYLOADS, 2000);
  // Pages that list changes, people and moderation, in the roles that see them.
  task('recent', (page) => visitAll(page, 'recent', '/recent'));
  for (const user of [CURATOR, MODERATOR, VICTIM]) task(`user ${user}`, (page) => visitAll(page, 'user', `/users/${user}`));
  task('queue', (page) => visitAll(page, 'queue', '/moderation/queue'), 'moderator');
  task('log', (page) => visitAll(page, 'log', '/moderation/log'), 'moderator');
  task('admin users', (page) => visitAll(page, 'admin users', '/admin/users'), 'moderator');
  task('notifications', (page) => visitAll(page, 'notifications', '/notifications'), 'reader');
  task('following', (page) => visitAll(page, 'following', '/following'), 'reader');
  for (const slug of [S.slug, M.undo, M.edits]) task(`blame ${slug}`, (page) => visit(page, 'blame', `/threads/${slug}/blame`));
  for (const t of spread(T, SAMPLE)) task(`blame ${t.slug}`, (page) => visit(page, 'blame', `/threads/${t.slug}/blame`));
  task('edits thread', (page) => visit(page, 'thread', `/threads/${M.edits}`));
  // The label history: every rejected proposal's rationale and reason, and the open one with the
  // moderator's forms.
  task('label history', (page) => visit(page, 'label history', `/threads/${M.edits}/stance`), 'moderator');
  task('label history (anonymous)', (page) => visit(page, 'label history', `/threads/${M.edits}/stance`), 'anonymous');
  task('reader page', (page) => visit(page, 'user', `/users/${READER}`), 'moderator');
  task('evidence matrix', async (page) => {
    await visit(page, 'matrix', `/threads/${M.edits}/matrix`);
    await visit(page, 'matrix cell form', `/threads/${M.edits}/matrix/${M.edited.interpretations.id}/${M.eventId}/edit`);
  });
  task('evidence matrix (anonymous)', (page) => visit(page, 'matrix', `/threads/${M.edits}/matrix`), 'anonymous');
  task('undo thread history', (page) => visitAll(page, 'history', `/threads/${M.undo}/history`));
  task('edited event', async (page) => {
    await visit(page, 'event', `/events/${M.eventId}`);
    await visit(page, 'event edit form', `/events/${M.eventId}/edit`);
  });
  for (const id of E.standalone) task(`event ${id}`, (page) => visit(page, 'event', `/events/${id}`));
  task('sources index', (page) => visitAll(page, 'sources index', '/sources'));
  for (const id of [...spread(SRC.packed, SAMPLE), ...SRC.urlAccepted]) task(`source ${id}`, (page) => visit(page, 'source', `/sources/${id}`));
  task('edited source', async (page) => {
    await visit(page, 'source', `/sources/${M.sourceId}`);
    await visit(page, 'source edit form', `/sources/${M.sourceId}/edit`);
  });
  // Each edited item: its form, every page of its versions, and its diffs (all of them in a full run).
  for (const [kind, { id }] of Object.entries(M.edited)) {
    task(`${kind} versions`, async (page) => {
      const item = `/threads/${M.edits}/${kind}/${id}`;
      await visit(page, `${kind} edit form`, `${item}/edit`);
      const diffs = [];
      let next = `${item}/history`;
      while (next) {
        await visit(page, 'item history', next);
        diffs.push(...(await page.evaluate(() => [...document.querySelectorAll('main a[href*="/diff?"]')].map((a) => a.getAttribute('href')))));
        next = await page.evaluate(() => document.querySelector('a[rel=next]')?.getAttribute('href') ?? null);
      }
      // Items with a text (all but questions) link a diff of each change to it.
      const own = [...new Set(diffs)].filter((h) => h.startsWith(`${item}/diff?`));
      if (own.length === 0 && kind !== 'questions') throw new Error(`${item}/history links no diff`);
      // The newest diffs, one per pack of the text field (the edits cycle through the packs, so
      // these show every payload in a diff), or a sample.
      const diffCount = P300.length + 1;
      for (const href of FULL ? own.slice(0, diffCount) : spread(own, SAMPLE)) await visit(page, 'item diff', href);
      if (own.length > 0) await visit(page, 'item diff', `${own[0]}&view=side`);
    });
  }
  // Forms that are not shown elsewhere; the form pages of refused values show the value again.
  task('forms', async (page) => {
    for (const href of ['/threads/new', '/events/new', '/sources/new', `/threads/${M.edits}/edit`, `/threads/${M.undo}/curators`, `/threads/${M.edits}/events/new`]) {
      await visit(page, 'form', href);
    }
  });
  task('moderator forms', async (page) => {
    await visit(page, 'form', `/threads/${M.undo}/lock`);
    await visit(page, 'form', `/changes/${await app.sql('SELECT max(id) FROM changes;')}/hide`);
    await visit(page, 'form', `/threads/${M.edits}/questions/${M.edited.questions.id}/answer`);
    await visit(page, 'form', '/account/password');
  }, 'moderator');
  task('reader forms', async (page) => {
    await visit(page, 'form', '/account/digest');
    await visit(page, 'form', '/account/feed');
    await visit(page, 'form', '/account/tokens');
  }, 'reader');
  task('lock form refusals', async (page) => {
    await visit(page, 'form', `/threads/${M.undo}/lock`);
    // Packs of 2 000 characters: too long for a reason and no date, so refused, and shown again.
    for (const p of P2000) {
      const started = Date.now();
      const response = await postFrom(page, `/threads/${M.undo}/lock`, { reason: p.value, until: p.value });
      await settle(page, 'form refused', response, 422, started);
    }
    // `until` is a date-time control (no text field to cover), but the form takes whatever is
    // posted and shows it again: the refusals above render every payload in it.
  }, 'moderator');
  task('digest form refusals', async (page) => {
    await visit(page, 'form', '/account/digest');
    for (const p of P2000) {
      const started = Date.now();
      const response = await postFrom(page, '/account/digest', { email: p.value, frequency: 'daily' });
      await settle(page, 'form refused', response, 'any', started);
    }
  }, 'reader');
  // What people type into the GET forms (search, filters) is shown back on the page.
  const getForms = [
    ['GET /search q', (v) => `/search?q=${encodeURIComponent(v)}`],
    ['GET /recent user', (v) => `/recent?user=${encodeURIComponent(v)}`],
    ['GET /recent thread', (v) => `/recent?thread=${encodeURIComponent(v)}`],
    ['GET /moderation/queue user', (v) => `/moderation/queue?user=${encodeURIComponent(v)}`, 'moderator'],
    ['GET /moderation/queue thread', (v) => `/moderation/queue?thread=${encodeURIComponent(v)}`, 'moderator'],
    ['GET /events year', (v) => `/events?year=${encodeURIComponent(v)}`],
    ['GET /events thread', (v) => `/events?thread=${encodeURIComponent(v)}`],
    ['GET /sources q', (v) => `/sources?q=${encodeURIComponent(v)}`],
    ['GET /sources thread', (v) => `/sources?thread=${encodeURIComponent(v)}`],
    ['GET /threads/{slug}/history user', (v) => `/threads/${M.undo}/history?user=${encodeURIComponent(v)}`],
    ['GET /threads/{slug}/events/link q', (v) => `/threads/${M.edits}/events/link?q=${encodeURIComponent(v)}`],
  ];
  // Packs of 2 000 characters: filters show them back; a search query over 200 characters is a
  // 422 that shows it back in the search form.
  for (const [name, href, as] of getForms) {
    task(name, async (page) => {
      for (const p of P2000) {
        await visit(page, name.split(' ').slice(0, 2).join(' '), href(p.value), 'any');
        if (label === 'CSP enforced') cover(name, p.members);
      }
    }, as ?? 'curator');
  }
  for (const q of ['alert', 'script', 'onerror', 'javascript']) task(`search ${q}`, (page) => visit(page, 'search', `/search?q=${q}`));

  // Someone not logged in types payloads as a username: the refusal shows the form again with
  // the value in it (all payloads at once, and a few alone); the login form does the same.
  const packedName = PAYLOADS.join(' ');
  const singles = spread(PAYLOADS.filter((p) => /["'`]/.test(p)), SAMPLE);
  /** Tasks that type each name into the `type` form at `pathname` and expect it refused with `status`. */
  const refusedUsernames = (names, type, pathname, button, status) => {
    for (const name of names) {
      task(`${type} with a payload username`, async (page) => {
        await visit(page, type, pathname);
        const started = Date.now();
        const response = await submitForm(page, { Username: name, Password: PASSWORD }, button);
        await settle(page, `${type} refused`, response, status, started);
      }, 'anonymous');
    }
  };
  refusedUsernames([packedName, ...singles], 'signup', '/signup', 'Create account', 422);
  refusedUsernames(singles, 'login', '/login', 'Log in', 401);

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
    const moderator = await newContext();
    const reader = await newContext();
    for (const [context, username] of [[moderator, MODERATOR], [reader, READER]]) {
      const res = await context.request.post(`${base}/api/v1/session`, { data: { username, password: PASSWORD } });
      assert.equal(res.status(), 200, `${username} logs in`);
    }
    await run({ curator, anonymous, moderator, reader });
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
  assert.deepEqual(result.pageErrors, [], `${result.label}: uncaught errors in pages:\n${show(result.pageErrors)}`);
  const csp = result.console.filter((line) => /Content Security Policy|Refused to/i.test(line));
  assert.deepEqual(csp, [], `${result.label}: the console reports CSP violations:\n${show(csp)}`);
  assert.ok(result.renders > 0);
}

/** Seeds every payload, then starts both rendering passes (each test awaits its own). */
async function seedAndRender() {
  const started = Date.now();
  seed = await seedData();
  seed.more = await seedMore(seed);
  console.log(`seeded ${PAYLOADS.length} payloads in ${Date.now() - started} ms`);
  const start = (label, options) => {
    const pass = renderPass(label, options);
    pass.then((result) => passes.push(result)).catch(() => {});
    return pass;
  };
  running = { enforced: start('CSP enforced', {}), bypassed: start('CSP bypassed', { bypassCSP: true }) };
}


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
});

test('sign-up refuses every payload as a username with 422 and creates no account', async () => {
  const anonymous = apiClient(app.baseUrl);
  await anonymous.refreshToken();
  const users = await app.sql('SELECT count(*) FROM users;');
  const wrong = [];
  await mapLimit([...PAYLOADS, PAYLOADS.join(' ')], 6, async (username) => {
    const res = await anonymous.form('/signup', { username, password: PASSWORD });
    if (res.status !== 422) wrong.push(`${res.status} for ${username}`);
  });
  cover('POST /signup username', PAYLOADS);
  assert.deepEqual(wrong, [], 'every payload-like username is refused with 422');
  assert.equal(await app.sql('SELECT count(*) FROM users;'), users, 'no account was created');
});

test('a refused login shows a username of every payload at once again, escaped, with 401', async (t) => {
  const context = await app.browser.newContext();
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
    await page.goto(`${app.baseUrl}/login`);
    await page.getByLabel('Username', { exact: true }).fill(PAYLOADS.join(' '));
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    const [response] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Log in' }).click()]);
    const findings = await page.evaluate(auditDom);
    assert.deepEqual([dialogs, hits, findings], [[], [], []], 'nothing ran and nothing active is on the page');
    assert.equal(response.status(), 401, 'a long unknown username is refused like any other, not with a server error');
    assert.equal(await page.getByLabel('Username', { exact: true }).inputValue(), PAYLOADS.join(' '), 'the form shows it again');
    cover('POST /login username', PAYLOADS);
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

test('every text field of the forms and of the API got every payload, and none answered 5xx', async () => {
  await Promise.allSettled([running.enforced, running.bypassed]);
  const doc = await (await fetch(`${app.baseUrl}/api/v1/openapi.json`)).json();
  const api = apiTextFields(doc);
  const apiNames = new Set(api.map((f) => f.name));
  // Each field the app accepts, and the coverage entry that stands for it: a form field that
  // posts to an operation with an API twin is stored by the same code, so the twin's entry.
  const required = new Map(api.map((f) => [f.name, 'OpenAPI']));
  for (const name of scraped) {
    const twin = apiTwin(name, apiNames);
    required.set(twin ?? name, twin ? `form ${name}` : 'form');
  }
  assert.ok(scraped.size >= 30, `only ${scraped.size} form fields were scraped: ${[...scraped].join(', ')}`);
  const missing = [];
  for (const [name, from] of required) {
    const got = coverage.get(name)?.size ?? 0;
    if (got < PAYLOADS.length) missing.push(`${name} (${from}): ${got} of ${PAYLOADS.length} payloads`);
  }
  assert.deepEqual(missing, [], 'fields the run did not send every payload through');
  const stale = [...coverage.keys()].filter((name) => !required.has(name) && !scraped.has(name));
  assert.deepEqual(stale, [], 'the run names fields the app does not have (renamed or removed?)');
  assert.deepEqual(seed.more.refused, [], 'fields answered a payload with a server error');
});
