// The portal shell as a person uses it: open blades from the menu, follow
// links, reload deep links (also from a sub-path), close with Escape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST, ROOT, blade, createGallery, importExample, newPage, usePortal } from './support.mjs';

const env = usePortal();
const menu = (page) => page.getByRole('navigation', { name: 'Portal menu' });
const crumbs = (page) => page.getByRole('navigation', { name: 'Breadcrumb' });

/**
 * Holds the download of the rule engine, a file of its own in release builds, until `release()`;
 * `asked` settles when the page asks for it (once its first blade is painted).
 */
async function holdEngine(page) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/split_engine\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  return { asked: page.waitForRequest(/split_engine\.wasm$/), release };
}

test('first visit opens Home, and the first blade paints quickly', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await page.goto(env.server.url);
  await blade(page, 'Home').waitFor();
  await page.waitForFunction(() => performance.getEntriesByName('sig:first-blade').length > 0);
  const firstBlade = await page.evaluate(() => performance.getEntriesByName('sig:first-blade')[0].startTime);
  const timeline = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((r) => `${r.name.split('/').pop()} ${Math.round(r.startTime)}-${Math.round(r.responseEnd)}`),
  );
  console.log(`resources: ${timeline.join(', ')}`);

  const wasm = readdirSync(DIST).find((f) => f.endsWith('_bg.wasm')) // the first load's module; the blades' split files load later;
  const bytes = readFileSync(join(DIST, wasm));
  const figures = {
    firstBladeMs: Math.round(firstBlade),
    wasmBytes: statSync(join(DIST, wasm)).size,
    wasmGzip9Bytes: gzipSync(bytes, { level: 9 }).length,
  };
  mkdirSync(join(ROOT, 'tests', 'test-results'), { recursive: true });
  writeFileSync(join(ROOT, 'tests', 'test-results', 'shell-figures.json'), JSON.stringify(figures, null, 2));
  console.log(`figures: first blade ${figures.firstBladeMs} ms; wasm ${figures.wasmBytes} B raw, ${figures.wasmGzip9Bytes} B gzip -9`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the first blade does not wait for the rules of gallery resources; a create waits for them and says so', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  const { asked, release } = await holdEngine(page);
  await page.goto(`${env.server.url}#/home`);
  await blade(page, 'Home').waitFor();
  await asked;
  // The menu works meanwhile, and a create can be filled in.
  await menu(page).getByRole('link', { name: 'Azure compute galleries' }).click();
  await blade(page, 'Azure compute galleries').waitFor();
  await page.evaluate(() => { window.location.hash = '#/create-gallery'; });
  const wizard = blade(page, 'Create Azure compute gallery');
  await wizard.getByLabel('Name', { exact: true }).fill('myGallery');
  const next = wizard.getByRole('button', { name: 'Review + create' });
  await wizard.getByRole('status').filter({ hasText: 'still loading the rules' }).waitFor();
  assert.equal(await next.isDisabled(), true, 'nothing is sent before the rules are here');
  release();
  await wizard.getByRole('status').filter({ hasText: 'still loading the rules' }).waitFor({ state: 'detached' });
  await next.click();
  await wizard.getByText('Validation passed').waitFor();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, 'myGallery').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('while the rules download, buttons that send requests wait and say why, and a stalled download is named', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  const { asked, release } = await holdEngine(page);
  await page.goto(`${env.server.url}#/cost`);
  const cost = blade(page, 'Cost');
  await cost.waitFor();
  await asked;
  const save = cost.getByRole('button', { name: 'Save prices' });
  await cost.getByRole('status').filter({ hasText: 'still loading the rules' }).waitFor();
  assert.equal(await save.isDisabled(), true, 'Save waits for the rules instead of answering "Request not sent"');
  assert.equal(await cost.getByRole('button', { name: 'Reset to defaults' }).isDisabled(), true);
  assert.equal(await page.getByText('Request not sent').count(), 0);
  // A download that neither arrives nor fails (ENGINE_SLOW_SECONDS, 8 s) is named as such.
  await cost.getByRole('status').filter({ hasText: 'taking long to download' }).waitFor({ timeout: 15_000 });
  assert.equal(await save.isDisabled(), true);
  release();
  await cost.getByRole('status').filter({ hasText: 'taking long to download' }).waitFor({ state: 'detached' });
  assert.equal(await save.isDisabled(), false, 'Save works once the rules are here');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a form anyone may send (Add tenant) waits for the rules too, keeps what was typed, and goes through once they are here', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  const { asked, release } = await holdEngine(page);
  await page.goto(`${env.server.url}#/subscriptions`);
  const subs = blade(page, 'Subscriptions and resource groups');
  await subs.waitFor();
  await asked;
  await subs.getByLabel('Tenant name').fill('Fabrikam');
  await subs.getByLabel('Tenant ID').fill('4b0a4b57-33a1-4c1d-9d43-6c1f3b2a0f10');
  const add = subs.getByRole('button', { name: 'Add tenant' });
  assert.equal(await add.isDisabled(), true, 'a click now would only answer "Request not sent"');
  assert.match(await add.getAttribute('aria-description'), /still loading the rules/);
  release();
  await add.click();
  await subs.getByRole('cell', { name: 'Fabrikam', exact: true }).waitFor();
  assert.equal(await page.getByText('Request not sent').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the frame is on screen at once, while the module downloads, and the portal replaces it', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await page.route(/_bg\.wasm$/, async (route) => { await new Promise((r) => setTimeout(r, 500)); await route.continue(); });
  // Not waiting for the load event: the module is preloaded, so "load" would come after it.
  await page.goto(env.server.url, { waitUntil: 'commit' });
  await page.getByRole('status').filter({ hasText: 'Opening the portal…' }).waitFor();
  assert.ok(await page.getByText('SIG Portal').first().isVisible());
  await blade(page, 'Home').waitFor();
  assert.equal(await page.getByText('Opening the portal…').count(), 0, 'the frame from index.html is gone');
  assert.equal(await page.getByRole('banner').count(), 1, 'one top bar');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the menu opens a blade and links open blades to the right', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await page.goto(env.server.url);
  await menu(page).getByRole('link', { name: 'Azure compute galleries' }).click();
  await blade(page, 'Azure compute galleries').waitFor();
  assert.equal(await blade(page, 'Home').count(), 0, 'the menu starts a fresh journey');
  assert.match(page.url(), /#\/galleries$/);

  await menu(page).getByRole('link', { name: 'Home' }).click();
  await blade(page, 'Home').getByRole('button', { name: /All resources/ }).click();
  await blade(page, 'All resources').waitFor();
  assert.match(page.url(), /#\/home\/resources$/);
  // Home stays open behind it, reached through the breadcrumb as in the portal.
  assert.equal(await blade(page, 'Home').count(), 0, 'only the active blade is shown');
  await crumbs(page).getByRole('button', { name: 'Home', exact: true }).click();
  await blade(page, 'Home').waitFor();
  assert.match(page.url(), /#\/home$/);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const base of ['', 'sig/']) {
  test(`reloading a deep link reopens the same blades (served at /${base})`, async () => {
    const errors = [];
    const page = await newPage(env.browser, errors);
    await page.goto(`${env.server.url}${base}#/home/galleries`);
    await blade(page, 'Azure compute galleries').waitFor();
    await page.reload();
    await blade(page, 'Azure compute galleries').waitFor();
    assert.equal(await crumbs(page).getByRole('listitem').count(), 2);
    await crumbs(page).getByRole('button', { name: 'Home', exact: true }).click();
    await blade(page, 'Home').waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('Escape closes the active blade, and the close button closes its blade', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await page.goto(`${env.server.url}#/home/resources`);
  await blade(page, 'All resources').waitFor();
  await page.keyboard.press('Escape');
  await blade(page, 'All resources').waitFor({ state: 'detached' });
  assert.match(page.url(), /#\/home$/);
  await blade(page, 'Home').getByRole('button', { name: 'Close Home' }).click();
  await blade(page, 'Home').waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [width, file] of [[1280, 'portal.png'], [1920, 'portal-1920.png']]) {
  test(`the README screenshot shows the running portal at ${width} px`, async () => {
    const page = await newPage(env.browser, []);
    await page.setViewportSize({ width, height: width === 1280 ? 760 : 960 });
    // The shipped example, and a definition's page with its versions grid.
    await importExample(page, env.server.url);
    const definition = '/subscriptions/2b7e1c4d-9a3f-4b8e-8c2d-5f6a7b8c9d0e/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/ContosoImages/images/ubuntu-22';
    await page.goto(`${env.server.url}#/home/galleries/resource:${encodeURIComponent(definition)}`);
    await blade(page, 'ubuntu-22').getByRole('table', { name: 'List of versions' }).getByRole('button', { name: '1.1.0' }).waitFor();
    // Once the import's toast has gone.
    await page.locator('.toasts .note').waitFor({ state: 'detached', timeout: 10_000 });
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'docs', file) });
    await page.close();
  });
}

test('the portal runs under its Content-Security-Policy, which blocks an injected inline script', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await page.goto(`${env.server.url}#/galleries`);
  await blade(page, 'Azure compute galleries').waitFor();
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.match(policy, /object-src 'none'/);
  assert.match(policy, /base-uri 'none'/);
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script in the page');
  // The app itself runs without a single violation (they are reported as console errors).
  assert.deepEqual(errors, []);

  const injected = await page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (event) => {
      resolve({ directive: event.effectiveDirective, ran: window.__injected === true });
    }, { once: true });
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.body.append(script);
  }));
  assert.deepEqual(injected, { directive: 'script-src-elem', ran: false });
  assert.equal(await page.evaluate(() => window.__injected), undefined);
  await page.close();
});

test('a name hiding behind a right-to-left override is shown for what it is; a 100 KB unbroken description does not widen the page', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await page.goto(`${env.server.url}#/directory`);
  const dir = blade(page, 'Directory (simulated)');
  const form = dir.getByRole('form', { name: 'Add a user' });
  await form.getByLabel('User principal name').fill('mallory@contoso.onmicrosoft.com');
  // Reads "exe.png" when the override is obeyed.
  await form.getByLabel('Display name').fill('\u202Egnp.exe');
  await form.getByRole('button', { name: 'Create user' }).click();
  const cell = dir.getByRole('table', { name: 'Directory objects' }).getByRole('cell', { name: '[U+202E]gnp.exe', exact: true });
  await cell.waitFor();
  assert.equal(await cell.locator('bdi').count(), 1, 'isolated from the text around it');
  assert.equal(await page.getByText('\u202Egnp.exe').count(), 0, 'the override itself is shown nowhere');

  const description = 'x'.repeat(100_000);
  await createGallery(page, env.server.url, 'longDescription', description);
  const gallery = blade(page, 'longDescription');
  await gallery.getByText('xxxxxxxxxx').first().waitFor();
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
  assert.ok(widths.page <= widths.window, `the page is ${widths.page} px wide in a ${widths.window} px window`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('"/" focuses the top bar search, which opens services and resources with the keyboard', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  const url = env.server.url;
  await createGallery(page, url, 'searchableGallery');
  await page.goto(`${url}#/home`);
  await blade(page, 'Home').waitFor();
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('/');
  const search = page.getByRole('combobox', { name: 'Search resources and services' });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'global-search');
  assert.equal(await search.inputValue(), '', 'the "/" itself is not typed');

  // A service, chosen with the arrows and Enter.
  await page.keyboard.type('galler');
  const results = page.getByRole('listbox', { name: 'Search resources and services: suggestions' });
  await results.getByRole('option', { name: /Azure compute galleries.*Service/ }).waitFor();
  await results.getByRole('option', { name: /searchableGallery/ }).waitFor();
  assert.equal(await search.getAttribute('aria-expanded'), 'true');
  assert.equal(await search.getAttribute('aria-activedescendant'), 'global-search-option-0');
  await page.keyboard.press('Enter');
  await blade(page, 'Azure compute galleries').waitFor();

  // A resource, the second hit: ArrowDown then Enter opens its page.
  await search.focus();
  await page.keyboard.type('searchable');
  await results.getByRole('option', { name: /searchableGallery.*Azure compute gallery/ }).waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await blade(page, 'searchableGallery').getByRole('navigation', { name: 'searchableGallery menu' }).waitFor();
  assert.equal(await search.inputValue(), '');
  // Escape closes the list, not the blade.
  await search.focus();
  await page.keyboard.type('search');
  await results.waitFor();
  await page.keyboard.press('Escape');
  await results.waitFor({ state: 'detached' });
  await blade(page, 'searchableGallery').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
