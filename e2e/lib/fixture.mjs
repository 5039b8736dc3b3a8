// The one fixture every spec uses: `useApp()` registers node:test hooks that start the server
// (lib/server.mjs) and headless Chromium (lib/browser.mjs) before the file's tests and end both
// after them, and hands back the app the tests drive.
//
//   const app = useApp({ demo: true });
//   test('…', (t) => app.scenario(t, async (open) => { const page = await open(); … }));
//
// A spec that prepares data for all its tests passes `setup`, which runs once the app is up.
// Not a `before()` of its own: Node 20 starts a file's top-level `before` hooks together, so
// such a hook would not find the app started.

import { after, before } from 'node:test';

import { TIMEOUT_MS, launchBrowser, scenario, unique } from './browser.mjs';
import { startServer } from './server.mjs';

/** The server and browser of one spec file, ready once the file's `before` hooks have run. */
export class App {
  /** @type {Awaited<ReturnType<typeof startServer>>} */
  server;
  /** @type {import('playwright-core').Browser} */
  browser;
  #contexts = [];

  /** Where the server listens, e.g. `http://127.0.0.1:40123`. */
  get baseUrl() {
    return this.server.baseUrl;
  }

  /** The absolute URL of a path on the server. */
  url(pathname) {
    return `${this.server.baseUrl}${pathname}`;
  }

  /** Runs SQL against the server's database (psql variables in `vars`, see lib/server.mjs). */
  sql(text, vars) {
    return this.server.sql(text, vars);
  }

  /** Inserts a user with a unique name (`prefix-xxxxxx`) and `role`; resolves to the name. */
  async user(role, prefix = role) {
    const { username } = await this.server.createUser(unique(prefix), role);
    return username;
  }

  /** Makes `username` a curator of the thread at `slug`. */
  addCurator(slug, username) {
    return this.server.addCurator(slug, username);
  }

  /**
   * A new browser context (its own cookies and storage: another person) with the tests'
   * timeouts; closed at the end of the file if the test has not closed it.
   * @param {import('playwright-core').BrowserContextOptions} options
   */
  async newContext(options = {}) {
    const context = await this.browser.newContext(options);
    context.setDefaultTimeout(TIMEOUT_MS);
    this.#contexts.push(context);
    return context;
  }

  /**
   * Runs a test body with `open(contextOptions)`, which gives a page of a new person; on failure
   * every page opened is saved to target/e2e-failures/ (see `scenario` in lib/browser.mjs).
   * @param {import('node:test').TestContext} t
   * @param {(open: (options?: import('playwright-core').BrowserContextOptions) => Promise<import('playwright-core').Page>) => Promise<void>} body
   */
  scenario(t, body) {
    return scenario(this.browser, t, body);
  }

  async start({ demo }) {
    this.server = await startServer({ demo });
    this.browser = await launchBrowser();
  }

  async stop() {
    for (const context of this.#contexts) await context.close().catch(() => {});
    await this.browser?.close();
    await this.server?.stop();
  }
}

/**
 * Starts the app for the tests of this file (`before`) and ends it after them (`after`).
 * @param {{ demo?: boolean, setup?: (app: App) => Promise<void> }} options `demo` loads the demo
 *   thread ("Open vs. Closed Weights"); `setup` runs once the app is up, before any test.
 * @returns {App}
 */
export function useApp({ demo = false, setup } = {}) {
  const app = new App();
  before(async () => {
    await app.start({ demo });
    if (setup) await setup(app);
  });
  after(() => app.stop());
  return app;
}
