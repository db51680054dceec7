// Offline-first: after one visit the portal reloads with no network, at the
// site root and under a sub-path, deep links included; a new build is
// announced and runs only when the user reloads; and the app is installable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, blade, createGallery, importExample, launchBrowser, startStaticServer } from './support.mjs';

/** Everything the portal keeps of its state, in the page: the envelope and every part. */
const storedState = () => Object.keys(localStorage)
  .filter((key) => key === 'sig-portal/state' || key.startsWith('sig-portal/part/'))
  .sort()
  .map((key) => `${key}=${localStorage.getItem(key)}`)
  .join('\n');

/** Whether everything the portal keeps of its state names every one of `names` (in the page). */
const storedNames = (names) => {
  const text = Object.keys(localStorage)
    .filter((key) => key === 'sig-portal/state' || key.startsWith('sig-portal/part/'))
    .map((key) => localStorage.getItem(key))
    .join('\n');
  return names.every((name) => text.includes(name));
};

/** The example state's gallery (examples/state/contoso-fabrikam.json). */
const GALLERY = '/subscriptions/2b7e1c4d-9a3f-4b8e-8c2d-5f6a7b8c9d0e/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/ContosoImages';

/** A persistent profile (an installable app cannot be checked in an incognito-like context). */
async function openProfile() {
  const dir = mkdtempSync(join(tmpdir(), 'sig-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
    headless: true,
    viewport: { width: 1280, height: 760 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until the page is controlled by the service worker of its own directory, activated
 * (its first visit installs it). Event-driven, in the page: `ready` resolves once this page's
 * registration has an active worker; then the page waits for it to take control and to finish
 * activating. (A predicate polled by waitForFunction cannot be async: a promise is truthy.)
 */
async function controlled(page) {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
    const worker = registration.active;
    if (worker.state !== 'activated') {
      await new Promise((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()));
    }
    if (registration.scope !== new URL('./', location.href).href) throw new Error(`controlled by ${registration.scope}`);
  });
}

/**
 * Runs `check` with a page of a fresh profile that has visited the portal once (Home shown,
 * its service worker in control); the server and the profile are gone afterwards.
 */
async function afterOneVisit(check) {
  const server = await startStaticServer();
  const profile = await openProfile();
  try {
    const page = await profile.context.newPage();
    await page.goto(`${server.url}#/home`);
    await blade(page, 'Home').waitFor();
    await controlled(page);
    await check({ server, profile, page });
  } finally {
    await server.stop();
    await profile.close();
  }
}

test('after one visit the portal reloads offline, at / and at /sig/, deep links included', async () => {
  const server = await startStaticServer();
  // One profile per deployment: the portal at the site root, and the portal under /sig/.
  const profiles = { '': await openProfile(), 'sig/': await openProfile() };
  try {
    const pages = {};
    const errors = [];
    for (const [base, profile] of Object.entries(profiles)) {
      const page = await profile.context.newPage();
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(`${server.url}${base}#/galleries`);
      await blade(page, 'Azure compute galleries').waitFor();
      await controlled(page);
      pages[base] = page;
    }
    await server.stop(); // No network at all from here on: the server is gone.
    for (const [base, page] of Object.entries(pages)) {
      await page.goto(`${server.url}${base}#/create-gallery`);
      await blade(page, 'Create Azure compute gallery').waitFor();
      await page.reload();
      await blade(page, 'Create Azure compute gallery').waitFor();
      assert.equal(await page.evaluate(() => location.pathname), `/${base}`);
      // Blades of the two groups this visit never opened: their files were precached.
      await page.goto(`${server.url}${base}#/subscriptions`);
      await blade(page, 'Subscriptions and resource groups').waitFor();
      await page.goto(`${server.url}${base}#/activity`);
      await blade(page, 'Activity log').waitFor();
    }
    assert.deepEqual(errors, []);
  } finally {
    await server.stop();
    for (const profile of Object.values(profiles)) await profile.close();
  }
});

/**
 * Runs `check` with a page whose fetches are all its own (no service worker: the state of a
 * first visit before the worker has the build's files), collecting its errors; the server and
 * the browser are gone afterwards.
 */
async function withoutWorker(check) {
  const server = await startStaticServer();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 760 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await check({ server, page });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.stop();
  }
}

test('a blade whose file could not be downloaded says so, and Retry opens it once the network is back', () => withoutWorker(async ({ server, page }) => {
  // The tools group's file cannot be fetched (the connection dropped).
  await page.route(/-split_tools\.wasm$/, (route) => route.abort('internetdisconnected'));
  await page.goto(`${server.url}#/home`);
  await blade(page, 'Home').waitFor();
  await page.goto(`${server.url}#/home/activity`);
  const failed = blade(page, 'Activity log').getByRole('alert');
  await failed.filter({ hasText: 'This blade could not be loaded' }).waitFor();
  // The rest of the portal keeps working.
  await page.getByRole('button', { name: 'Home', exact: true }).first().click();
  await blade(page, 'Home').waitFor();
  await page.goto(`${server.url}#/home/activity`);
  await failed.waitFor();
  await page.unroute(/-split_tools\.wasm$/);
  await failed.getByRole('button', { name: 'Retry' }).click();
  await blade(page, 'Activity log').getByRole('table').first().waitFor();
  assert.equal(await failed.count(), 0);
}));

test('saved data whose reader could not be downloaded is kept as it is, and opens once the network is back', () => withoutWorker(async ({ server, page }) => {
  await importExample(page, server.url);
  await page.waitForFunction(() => (localStorage.getItem('sig-portal/revision') ?? '0') !== '0');
  // A later visit on which the reader of saved data (its own file in release builds)
  // cannot be downloaded (the page left saves what it had pending first).
  await page.route(/-split_state_reader\.wasm$/, (route) => route.abort('internetdisconnected'));
  await page.goto(`${server.url}#/home`);
  await page.reload();
  await page.getByRole('alert').filter({ hasText: 'Your saved data could not be opened' }).waitFor();
  await blade(page, 'Home').waitFor();
  const saved = await page.evaluate(storedState);
  assert.match(saved, /ContosoImages/);
  // The portal works in memory, and writes nothing over the saved data.
  await createGallery(page, server.url, 'InMemoryOnly');
  await page.unroute(/-split_state_reader\.wasm$/);
  // Leaving the page saves what is pending, were anything to be saved: nothing is.
  await page.goto(`${server.url}#/home/resource:${encodeURIComponent(GALLERY)}`);
  await page.reload();
  await blade(page, 'ContosoImages').waitFor();
  // The saved data is exactly what it was; what was done in memory is gone, as the banner said.
  assert.equal(await page.evaluate(storedState), saved);
  assert.equal(await page.getByRole('alert').filter({ hasText: 'could not be opened' }).count(), 0);
}));

test('another tab\'s save waits for the reader of saved data: nothing is written over it, and both tabs\' work is kept once it arrives', () => withoutWorker(async ({ server, page: tabA }) => {
  const stored = () => tabA.evaluate(storedState);
  // Tab A started with nothing stored: it needs the reader only once another tab saves,
  // and cannot download it.
  await tabA.route(/-split_state_reader\.wasm$/, (route) => route.abort('internetdisconnected'));
  await tabA.goto(`${server.url}#/home`);
  await blade(tabA, 'Home').waitFor();
  const tabB = await tabA.context().newPage();
  await createGallery(tabB, server.url, 'FromTabB');
  await tabA.waitForFunction(storedNames, ['FromTabB']);
  await createGallery(tabA, server.url, 'FromTabA1');
  await tabA.getByRole('alert').filter({ hasText: 'another tab saved newer data' }).waitFor();
  assert.ok((await stored()).includes('FromTabB'));
  assert.ok(!(await stored()).includes('FromTabA1'), "nothing is written over the other tab's save");
  // The network is back: the next save takes the other tab's state and saves both on top.
  await tabA.unroute(/-split_state_reader\.wasm$/);
  await createGallery(tabA, server.url, 'FromTabA2');
  await tabA.waitForFunction(storedNames, ['FromTabB', 'FromTabA1', 'FromTabA2']);
}));

test('a new build is announced, and runs only when the user reloads — never a mix of two builds', () => afterOneVisit(async ({ server, page }) => {
  // Deploy build B: index.html marked, and the service worker of a new build.
  const index = join(server.root, 'index.html');
  writeFileSync(index, readFileSync(index, 'utf8').replace('<head>', '<head><meta name="sig-build" content="B">'));
  const worker = join(server.root, 'sw.js');
  writeFileSync(worker, readFileSync(worker, 'utf8').replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1-b"'));
  // A deploy replaces the precompressed siblings too.
  for (const file of [index, worker]) for (const suffix of ['.br', '.gz']) rmSync(`${file}${suffix}`, { force: true });
  // The browser checks for a new worker on navigation and when the tab is shown again;
  // ask it now, as it would.
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
  const notice = page.getByRole('status').filter({ hasText: 'A new version of SIG Portal is available' });
  await notice.waitFor();
  assert.equal(await page.locator('meta[name="sig-build"]').count(), 0, 'build A is still the one running');
  // A reload of its own keeps build A (the new worker waits) and still offers the update.
  await page.reload();
  await blade(page, 'Home').waitFor();
  assert.equal(await page.locator('meta[name="sig-build"]').count(), 0);
  await notice.waitFor();
  await notice.getByRole('button', { name: 'Reload' }).click();
  await page.waitForFunction(() => document.querySelector('meta[name="sig-build"]')?.content === 'B');
  await blade(page, 'Home').waitFor();
  assert.equal(await notice.count(), 0);
}));

test('the web app manifest is valid and Chromium finds the portal installable', () => afterOneVisit(async ({ profile, page }) => {
  const cdp = await profile.context.newCDPSession(page);
  const manifest = await cdp.send('Page.getAppManifest');
  assert.deepEqual(manifest.errors, []);
  const parsed = JSON.parse(manifest.data);
  assert.equal(parsed.short_name, 'SIG Portal');
  assert.equal(parsed.display, 'standalone');
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, []);
}));
