// Shared set-up for the end-to-end journeys: a plain static server over the
// release build (at / and at the sub-path /sig/), and headless Debian Chromium.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The release build under test (SIG_DIST: another build directory, e.g. while dist/ is in use). */
export const DIST = process.env.SIG_DIST ?? join(ROOT, 'dist');

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-default-apps', '--disable-extensions',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost',
];

/**
 * Serves a copy of dist/ at / and /sig/ on a free port with scripts/serve.py: Python's static
 * server, sending a file's precompressed sibling (.br, .gz) when the browser accepts it, as
 * static hosts do.
 */
export async function startStaticServer({ encodings = 'br,gzip' } = {}) {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error('dist/index.html is missing: build first (trunk build --release)');
  }
  const root = mkdtempSync(join(tmpdir(), 'sig-static-'));
  cpSync(DIST, root, { recursive: true });
  cpSync(DIST, join(root, 'sig'), { recursive: true });
  const server = spawn('python3', ['-u', join(ROOT, 'scripts', 'serve.py'), '0', '--bind', '127.0.0.1', '--directory', root, '--encodings', encodings], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The server logs every request to stderr: a pipe nobody reads fills up (64 KB, a few
  // hundred requests — one service worker precaching the build's split files) and then
  // blocks the server. Read it and drop it.
  server.stderr.resume();
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('static server did not start in 10 s')), 10_000);
    server.stdout.on('data', (chunk) => {
      const match = /port (\d+)/.exec(String(chunk));
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    server.on('exit', (code) => reject(new Error(`static server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    /** The directory served at / (a copy of dist/ that a test may change). */
    root,
    /**
     * Stops the server, and only once it has exited removes its files: a request answered in
     * between would be a 404, and a 404 for sw.js makes the browser drop the service worker.
     */
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill();
        await exited;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Launches headless Debian Chromium; a fresh profile per launch. */
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true });
}

/** A new page that fails the test on any uncaught page error. */
export async function newPage(browser, errors) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return page;
}

/**
 * The set-up every journey file shares: a static server over the release build and a browser,
 * started before its tests and stopped after them. `check` runs first (a missing input file).
 */
export function usePortal(check = () => {}) {
  const env = { server: undefined, browser: undefined };
  before(async () => {
    check();
    env.server = await startStaticServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/** A blade: the region landmark named by its title. */
export const blade = (page, name) => page.getByRole('region', { name, exact: true });

/** Creates a gallery through its wizard, as a person does, and waits for its blade. */
export async function createGallery(page, url, name, description = '') {
  await page.goto(`${url}#/galleries`);
  await blade(page, 'Azure compute galleries').getByRole('button', { name: '+ Create' }).click();
  const wizard = blade(page, 'Create Azure compute gallery');
  await wizard.getByLabel('Name', { exact: true }).fill(name);
  if (description) await wizard.getByLabel('Description').fill(description);
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByText('Validation passed').waitFor();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, name).waitFor();
}

/** Opens a gallery's "Add new image definition" wizard and fills its Basics; returns the wizard. */
export async function fillDefinition(page, gallery, name, [publisher, offer, sku]) {
  await blade(page, gallery).getByRole('button', { name: '+ Add new image definition' }).click();
  const wizard = blade(page, 'Create a VM image definition');
  await wizard.getByLabel('VM image definition name').fill(name);
  await wizard.getByLabel('Publisher').fill(publisher);
  await wizard.getByLabel('Offer').fill(offer);
  await wizard.getByLabel('SKU').fill(sku);
  return wizard;
}

/**
 * Makes every page of `target` (a context or a page) write a console message when the app
 * leaves its `sig:first-blade` mark, so a benchmark can wait for it over CDP without running
 * anything in the page: polling for the mark runs Playwright's injected script in the middle
 * of the page's start-up (measured: ~30 ms added to a second visit).
 */
export async function announceFirstBlade(target) {
  await target.addInitScript(() => {
    new PerformanceObserver((list) => {
      if (list.getEntries().some((e) => e.name === 'sig:first-blade')) console.debug('sig:first-blade');
    }).observe({ type: 'mark' });
  });
}

/** Runs `navigate` and gives the `sig:first-blade` mark's time once the page announced it. */
export async function timeFirstBlade(page, navigate, timeout = 60_000) {
  const seen = page.waitForEvent('console', { predicate: (m) => m.text() === 'sig:first-blade', timeout });
  await navigate();
  await seen;
  return page.evaluate(() => performance.getEntriesByName('sig:first-blade')[0].startTime);
}

/** Imports the shipped Contoso/Fabrikam example through "Export and import", as a user would. */
export async function importExample(page, url) {
  await page.goto(`${url}#/export-import`);
  const io = blade(page, 'Export and import');
  await io.getByLabel('State file').setInputFiles(join(ROOT, 'examples', 'state', 'contoso-fabrikam.json'));
  await io.getByText(/Imported: \d+ galleries/).waitFor();
}
