// Ten times the documented limits (issue 17): 10 subscriptions each at the limits of one
// subscription-region (100 galleries, 1,000 definitions, 10,000 versions: 100,000 versions in
// all) and 100,000 role assignments (10,000 users, each a Reader at ten scopes). Prints what a
// user feels at that size: the import, the cold load to the first blade, the browse lists and
// the Cost blade, the save after a command (the app's own `sig:save` measure), every main-thread task over 50 ms (Long Tasks API)
// during each, what is stored, and the tab's memory (JS heap and the wasm module's memory).
//
//   node tests/bench/ten-times.mjs     (after `trunk build --release`; ~2 minutes)
//
// Writes tests/test-results/ten-times.json. Figures, not assertions: the scale journey in
// tests/e2e/scale.test.mjs is what CI runs, at the full limits.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, announceFirstBlade, launchBrowser, startStaticServer, timeFirstBlade } from '../e2e/support.mjs';

const RESULTS = join(ROOT, 'tests', 'test-results');
const FULL = join(RESULTS, 'full-limits.json');
mkdirSync(RESULTS, { recursive: true });
if (!existsSync(FULL)) {
  writeFileSync(FULL, execFileSync('cargo', ['run', '-q', '--locked', '-p', 'sig-core', '--example', 'full_limits_state'], { cwd: ROOT, maxBuffer: 1 << 30 }));
}

// Ten copies of the full-limits world, each in its own subscription.
const text = readFileSync(FULL, 'utf8');
const base = JSON.parse(text);
const sub0 = base.subscriptions[0].id;
const hex = (n, width) => n.toString(16).padStart(width, '0');
const doc = { ...base, subscriptions: [], resourceGroups: [], sources: [], galleries: [] };
for (let s = 0; s < 10; s++) {
  const sub = s === 0 ? sub0 : `00000000-0000-4000-a000-${hex(s, 12)}`;
  const copy = JSON.parse(text.replaceAll(sub0, sub));
  copy.subscriptions[0].displayName = `Scale ${s}`;
  for (const key of ['subscriptions', 'resourceGroups', 'sources', 'galleries']) doc[key].push(...copy[key]);
}
// 10,000 users, each a Reader at their subscription, resource group and 8 of its galleries.
const tenant = base.tenants[0].id;
const reader = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const users = Array.from({ length: 10_000 }, (_, i) => ({
  '@odata.type': '#microsoft.graph.user', id: `00000000-0000-4000-8000-${hex(i, 12)}`,
  displayName: `Load User ${i}`, userPrincipalName: `user${i}@contoso.example`, userType: 'Member',
}));
const roleAssignments = [];
users.forEach((user, i) => {
  const s = i % 10;
  const sub = doc.subscriptions[s].id;
  const group = `/subscriptions/${sub}/resourceGroups/${doc.resourceGroups[s].name}`;
  const galleries = doc.galleries.filter((g) => g.id.startsWith(`/subscriptions/${sub}/`)).slice(0, 8);
  [`/subscriptions/${sub}`, group, ...galleries.map((g) => g.id)].forEach((scope, n) => {
    const name = `00000000-0000-4000-9000-${hex(i * 10 + n, 12)}`;
    roleAssignments.push({
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`, name,
      type: 'Microsoft.Authorization/roleAssignments',
      properties: { roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${reader}`,
        principalId: user.id, principalType: 'User', scope },
    });
  });
});
doc.directory = [{ tenantId: tenant, users }];
doc.roleAssignments = roleAssignments;
const file = join(RESULTS, 'ten-times.state.json');
writeFileSync(file, JSON.stringify(doc));
const versions = doc.galleries.reduce((n, g) => n + g.images.reduce((m, i) => m + i.versions.length, 0), 0);
const figures = {
  subscriptions: doc.subscriptions.length,
  galleries: doc.galleries.length,
  versions,
  roleAssignments: roleAssignments.length,
  stateBytes: Buffer.byteLength(JSON.stringify(doc)),
};

/** Starts collecting main-thread tasks over 50 ms in the page. */
const watchLongTasks = (page) => page.evaluate(() => {
  window.sigLongTasks = [];
  // One observer per page: another each time would report every task again.
  if (window.sigLongTaskObserver) return;
  window.sigLongTaskObserver = new PerformanceObserver((list) => window.sigLongTasks.push(...list.getEntries().map((e) => Math.round(e.duration))));
  window.sigLongTaskObserver.observe({ type: 'longtask' });
});
const longTasks = (page) => page.evaluate(() => window.sigLongTasks.splice(0));

/** The tab's memory: JS heap in use (CDP) and the wasm module's linear memory. */
async function memory(page, cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  const wasm = await page.evaluate(() => window.sigWasmMemory?.buffer.byteLength ?? 0);
  return { jsHeapMB: Math.round(heap / 2 ** 20), wasmMemoryMB: Math.round(wasm / 2 ** 20) };
}

const server = await startStaticServer({ encodings: 'br,gzip' });
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  // Keep a handle on the module's memory (Trunk's loader announces the started module).
  await context.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.sigWasmMemory = e.detail.wasm.memory; }));
  // From the start of every page: tasks over 50 ms ([start, duration]), and what the opening
  // status says when ([ms, text]).
  await context.addInitScript(() => {
    window.sigPageLongTasks = [];
    new PerformanceObserver((list) => window.sigPageLongTasks.push(...list.getEntries().map((e) => [Math.round(e.startTime), Math.round(e.duration)])))
      .observe({ type: 'longtask' });
    window.sigOpening = [];
    new MutationObserver(() => {
      const status = document.querySelector('[data-opening] [role=status]');
      if (status && window.sigOpening.at(-1)?.[1] !== status.textContent) window.sigOpening.push([Math.round(performance.now()), status.textContent]);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${server.url}#/export-import`);
  const importBlade = page.getByRole('region', { name: 'Export and import' });
  await importBlade.waitFor();
  await watchLongTasks(page);
  const started = Date.now();
  await importBlade.getByLabel('State file').setInputFiles(file);
  const outcome = importBlade.getByText(/^Imported:|not a SIG Portal state file|not valid JSON/);
  await outcome.first().waitFor({ timeout: 600_000 });
  figures.importMs = Date.now() - started;
  figures.importOutcome = (await outcome.first().textContent()).slice(0, 160);
  // Its save writes the parts ahead in slices: wait for the envelope.
  await page.waitForFunction(() => Number(localStorage.getItem('sig-portal/revision')) > 0, null, { timeout: 120_000 });
  figures.importSaveMs = await page.evaluate(() => Math.round(performance.getEntriesByName('sig:save').at(-1).duration));
  figures.importLongTasksMs = await longTasks(page);
  figures.notSaved = await page.getByRole('alert').filter({ hasText: /not saved|not kept|full/i }).count();
  figures.storedUnits = await page.evaluate(() => Object.keys(localStorage)
    .filter((key) => key.startsWith('sig-portal/'))
    .reduce((units, key) => units + localStorage.getItem(key).length, 0));
  Object.assign(figures, { afterImport: await memory(page, cdp) });

  // Cold load: a new navigation reads it all back from localStorage.
  await page.goto(`${server.url}#/home`);
  await announceFirstBlade(page);
  figures.coldLoadFirstBladeMs = Math.round(await timeFirstBlade(page, () => page.reload(), 600_000));
  await page.waitForTimeout(1000);
  figures.coldLoadLongTasksMs = await page.evaluate(() => window.sigPageLongTasks);
  const opening = await page.evaluate(() => window.sigOpening);
  // The first status, every tenth, and the last: enough to see it move.
  figures.coldLoadOpening = opening.filter((_, i) => i % 10 === 0 || i === opening.length - 1);
  figures.coldLoadStatusUpdates = opening.length;
  // Where the time goes: the last status reading parts, the first checking resources, and the
  // first past the gallery resources (the replication records are admitted, uncounted, between).
  const count = ([, text]) => Number(text.match(/(\d+) of \d+ resources/)?.[1] ?? -1);
  const definitions = doc.galleries.reduce((n, g) => n + g.images.length, 0);
  const galleryResources = figures.galleries + definitions + figures.versions;
  figures.coldLoadStages = {
    partsReadBy: opening.findLast(([, text]) => /parts/.test(text))?.[0],
    checkingFrom: opening.find((s) => count(s) >= 0)?.[0],
    galleryResourcesBy: opening.findLast((s) => count(s) >= 0 && count(s) <= galleryResources)?.[0],
    accessFrom: opening.find((s) => count(s) > galleryResources)?.[0],
    lastStatus: opening.at(-1)?.[0],
  };
  Object.assign(figures, { afterLoad: await memory(page, cdp) });

  // Opening the lists of every resource and of every gallery (hash navigation, as the menu does).
  for (const [name, hash, region, shown] of [
    ['allResources', '#/home/resources', 'All resources', /Showing 111\d\d\d of 111\d\d\d resources/],
    ['galleries', '#/home/galleries', 'Azure compute galleries', /Showing 1000 of 1000/],
  ]) {
    await watchLongTasks(page);
    const t0 = Date.now();
    await page.evaluate((h) => { location.hash = h; }, hash);
    await page.getByRole('region', { name: region }).getByText(shown).first().waitFor({ timeout: 120_000 });
    figures[`${name}OpenMs`] = Date.now() - t0;
    figures[`${name}LongTasksMs`] = await longTasks(page);
  }

  // Back to All resources (its rows are kept between openings), typing in its filter, and a
  // command while it is open (deleting a ticked version: its gallery's rows are merged anew).
  {
    const list = page.getByRole('region', { name: 'All resources' });
    await watchLongTasks(page);
    let t0 = Date.now();
    await page.evaluate(() => { location.hash = '#/home/resources'; });
    await list.getByText(/Showing 111\d\d\d of 111\d\d\d resources/).first().waitFor({ timeout: 120_000 });
    figures.allResourcesReopenMs = Date.now() - t0;
    figures.allResourcesReopenLongTasksMs = await longTasks(page);
    await watchLongTasks(page);
    const filter = list.getByLabel('Filter by name');
    t0 = Date.now();
    for (const ch of 'g05') await filter.press(ch);
    await list.getByText(/Showing 11\d\d\d of 111\d\d\d resources/).first().waitFor({ timeout: 60_000 });
    figures.allResourcesTypingMs = Date.now() - t0;
    figures.allResourcesTypingLongTasksMs = await longTasks(page);
    await filter.fill('g050/i00/1.0.0');
    await list.getByRole('checkbox').first().check();
    await watchLongTasks(page);
    t0 = Date.now();
    await list.getByRole('button', { name: /^Delete \(1\)/ }).click();
    await list.getByRole('button', { name: 'Yes, delete' }).click();
    await list.getByText(/Showing \d+ of 110\d\d\d resources/).first().waitFor({ timeout: 60_000 });
    figures.allResourcesDeleteShownMs = Date.now() - t0;
    await page.waitForTimeout(1500);
    figures.allResourcesDeleteLongTasksMs = await longTasks(page);
  }

  // The Cost blade: every version estimated, in slices behind a progress bar, until its total
  // shows (the estimate's own lines, the chart and the first 500 rows with it).
  {
    await watchLongTasks(page);
    const t0 = Date.now();
    await page.evaluate(() => { location.hash = '#/cost'; });
    await page.getByRole('region', { name: 'Cost', exact: true }).getByRole('status')
      .filter({ hasText: 'per month' }).waitFor({ timeout: 120_000 });
    figures.costShownMs = Date.now() - t0;
    await page.waitForTimeout(500);
    figures.costLongTasksMs = await longTasks(page);
  }

  // A command outside the galleries, then a role assignment, each followed by its save.
  for (const [name, act] of [
    ['source', async () => {
      await page.goto(`${server.url}#/sources`);
      const sources = page.getByRole('region', { name: 'Image sources (simulated)' });
      await sources.getByLabel('Source name').fill('ten-times-probe');
      return async () => {
        await sources.getByRole('button', { name: 'Add source' }).click();
        await sources.getByRole('cell', { name: 'ten-times-probe' }).waitFor({ timeout: 120_000 });
      };
    }],
    // A role assignment through its wizard: one of the 64 buckets of 100,000 is written.
    ['roleAssignment', async () => {
      await page.goto(`${server.url}#/add-role-assignment:${encodeURIComponent(doc.galleries[0].id)}`);
      const wizard = page.getByRole('region', { name: 'Add role assignment', exact: true });
      await wizard.getByRole('radio', { name: 'Contributor', exact: true }).check();
      await wizard.getByRole('button', { name: 'Next' }).click();
      await wizard.getByRole('combobox', { name: 'Member' }).fill('user7@contoso.example');
      await wizard.getByRole('option').filter({ hasText: 'user7@contoso.example' }).first().click();
      await wizard.getByRole('button', { name: 'Next' }).click();
      await wizard.getByText('Validation passed').waitFor({ timeout: 60_000 });
      return async () => {
        await wizard.getByRole('button', { name: 'Review + assign' }).click();
        await page.getByRole('status').filter({ hasText: /^Contributor assigned to / }).first().waitFor({ timeout: 60_000 });
      };
    }],
  ]) {
    const run = await act();
    const revision = await page.evaluate(() => Number(localStorage.getItem('sig-portal/revision')));
    const partKeys = () => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('sig-portal/part/')));
    const before = new Set(await partKeys());
    await watchLongTasks(page);
    const t0 = Date.now();
    await run();
    figures[`${name}CommandShownMs`] = Date.now() - t0;
    await page.waitForFunction((r) => Number(localStorage.getItem('sig-portal/revision')) > r, revision, { timeout: 120_000 });
    figures[`${name}SaveMs`] = await page.evaluate(() => Math.round(performance.getEntriesByName('sig:save').at(-1).duration * 10) / 10);
    figures[`${name}LongTasksMs`] = await longTasks(page);
    figures[`${name}PartsWritten`] = (await partKeys()).filter((key) => !before.has(key)).length;
  }
  // The same file imported again over the stored state: the new parts need room next to the
  // old ones until the envelope switches over.
  // Also the tasks while it replaces (and frees) the ten-times world already there.
  await page.goto(`${server.url}#/export-import`);
  await watchLongTasks(page);
  await importBlade.getByLabel('State file').setInputFiles(file);
  await importBlade.getByText(/^Imported:/).waitFor({ timeout: 600_000 });
  await page.waitForTimeout(3000);
  figures.reimportLongTasksMs = await longTasks(page);
  figures.reimportNotSaved = await page.getByRole('alert').filter({ hasText: /not saved|full/i }).allTextContents();
  await context.close();
} finally {
  await browser.close();
  server.stop();
}
console.log(`figures: ${JSON.stringify(figures)}`);
writeFileSync(join(RESULTS, 'ten-times.json'), JSON.stringify(figures, null, 2));
