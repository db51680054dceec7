// The portal at the documented limits (100 galleries, 1,000 image definitions,
// 10,000 image versions): prints the figures BENCHMARKS.md records. These are
// measurements, not timed assertions; what is asserted is what a user would
// notice regardless of machine speed (everything is listed, and the list
// keeps the DOM small).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, announceFirstBlade, blade, createGallery, newPage, timeFirstBlade, usePortal } from './support.mjs';

const STATE = join(ROOT, 'tests', 'test-results', 'full-limits.json');
const env = usePortal(() => {
  if (!existsSync(STATE)) {
    throw new Error(`${STATE} is missing: cargo run -q -p sig-core --example full_limits_state > ${STATE}`);
  }
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Types `texts` into the search box `selector` names, one value per input event, and returns
 * each keystroke's time from the event until the page is updated and laid out (the reactive
 * work runs in tasks after the event). The box is left empty and unfocused.
 */
async function keystrokeTimes(page, selector, texts) {
  return page.evaluate(async ([selector, texts]) => {
    const input = [...document.querySelectorAll(selector)].find((i) => i.offsetParent !== null) ?? document.querySelector(selector);
    input.focus();
    const times = [];
    for (const text of texts) {
      const start = performance.now();
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => setTimeout(r, 0));
      void document.body.offsetHeight;
      times.push(performance.now() - start);
    }
    input.value = '';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.blur();
    return times;
  }, [selector, texts]);
}

/** Median and maximum of `times`, to a tenth of a millisecond. */
const medianMax = (times) => [Math.round(median(times) * 10) / 10, Math.round(Math.max(...times) * 10) / 10];

test('full-limits state: load, filter 11,100 rows, save after a command', async () => {
  const figures = {};
  const page = await newPage(env.browser, []);
  await page.goto(`${env.server.url}#/home`);
  await blade(page, 'Home').waitFor();
  const world = readFileSync(STATE, 'utf8');
  figures.stateBytes = Buffer.byteLength(world);

  // Import it as a user would; the portal then keeps it in localStorage.
  await page.goto(`${env.server.url}#/export-import`);
  const revisionBefore = await page.evaluate(() => Number(localStorage.getItem('sig-portal/revision')));
  const started = Date.now();
  await blade(page, 'Export and import').getByLabel('State file').setInputFiles(STATE);
  await blade(page, 'Export and import').getByText(/Imported:/).waitFor({ timeout: 120_000 });
  figures.importMs = Date.now() - started;
  // Its save writes the parts ahead in slices: wait for the envelope.
  await page.waitForFunction((r) => Number(localStorage.getItem('sig-portal/revision')) > r, revisionBefore, { timeout: 120_000 });
  figures.storedUnits = await page.evaluate(() => Object.keys(localStorage)
    .filter((key) => key === 'sig-portal/state' || key.startsWith('sig-portal/part/'))
    .reduce((units, key) => units + localStorage.getItem(key).length, 0));
  assert.equal(
    await page.getByRole('alert').filter({ hasText: 'not saved' }).count(),
    0,
    'the full-limits state is kept in the browser',
  );

  // Cold load: a new navigation reads it back from localStorage, in slices behind the
  // frame. What the opening status says, and every task over 50 ms, from the start.
  await page.addInitScript(() => {
    window.sigOpening = [];
    window.sigListing = [];
    new MutationObserver(() => {
      const status = document.querySelector('[data-opening] [role=status]');
      if (status && window.sigOpening.at(-1) !== status.textContent) window.sigOpening.push(status.textContent);
      const count = document.querySelector('.record-count[role=status]');
      if (count && window.sigListing.at(-1) !== count.textContent) window.sigListing.push(count.textContent);
    }).observe(document, { subtree: true, childList: true, characterData: true });
    window.sigLoadLongTasks = [];
    new PerformanceObserver((list) => window.sigLoadLongTasks.push(...list.getEntries().map((e) => Math.round(e.duration))))
      .observe({ type: 'longtask' });
  });
  await page.goto(`${env.server.url}#/resources`);
  // Timed without polling the page while it starts (see `announceFirstBlade`).
  await announceFirstBlade(page);
  const coldFirstBlade = await timeFirstBlade(page, () => page.reload());
  await blade(page, 'All resources').getByText('Showing 11100 of 11100 resources').waitFor({ timeout: 60_000 });
  const opening = await page.evaluate(() => window.sigOpening);
  const checked = opening
    .map((text) => text.match(/Checking your saved data… (\d+) of (\d+) resources/))
    .filter(Boolean)
    .map((m) => [Number(m[1]), Number(m[2])]);
  // The parts are counted up as they are read (a state this build sealed has its galleries'
  // resources checked as each part is read), then whatever is left to check, if it takes
  // more than a slice (at the full limits it seldom does).
  const read = opening
    .map((text) => text.match(/Reading your saved data… (\d+) of (\d+) parts/))
    .filter(Boolean)
    .map((m) => [Number(m[1]), Number(m[2])]);
  assert.ok(read.length >= 2, `the opening status counts the parts as they are read: ${JSON.stringify(opening)}`);
  assert.ok(read.every(([done, total], i) => done <= total && (i === 0 || (done >= read[i - 1][0] && total === read[i - 1][1]))), JSON.stringify(read));
  assert.ok(read.at(-1)[0] > read[0][0], JSON.stringify(read));
  // No checking status at all is allowed (the world was whole once the parts were read); one
  // that is shown counts up to the whole world.
  assert.ok(checked.every(([done, total], i) => done <= total && (i === 0 || done >= checked[i - 1][0])), JSON.stringify(checked));
  assert.ok(checked.every(([, total]) => total >= 11100), JSON.stringify(checked));
  // The list's rows are built in slices too (more than a couple of thousand resources): it
  // says so, and never that there is nothing to list.
  const listing = await page.evaluate(() => window.sigListing);
  assert.match(listing[0], /^Loading resources… \d+%$/, JSON.stringify(listing));
  assert.equal(listing.at(-1), 'Showing 11100 of 11100 resources', JSON.stringify(listing));
  assert.ok(listing.every((text) => !/Showing 0 of 0/.test(text)), JSON.stringify(listing));
  figures.coldLoadStatusUpdates = opening.length;
  figures.coldLoadOpening = opening;
  figures.coldLoadLongTasksMs = await page.evaluate(() => window.sigLoadLongTasks);
  figures.coldLoadFirstBladeMs = Math.round(coldFirstBlade);
  figures.coldLoadListedMs = Math.round(await page.evaluate(() => performance.now()));
  const list = blade(page, 'All resources');
  await list.getByText('Showing 11100 of 11100 resources').waitFor({ timeout: 60_000 });

  // Typing in the filter.
  const perKey = await keystrokeTimes(page, '.filters input[type=search]', ['g', 'g0', 'g05', 'g050', 'g05', 'g0', 'g', '', '1', '1.', '1.0', '1.0.']);
  [figures.filterKeystrokeMedianMs, figures.filterKeystrokeMaxMs] = medianMax(perKey);
  const rowsInDom = await page.evaluate(() => document.querySelectorAll('[role=row]').length);
  figures.rowsInDom = rowsInDom;
  assert.ok(rowsInDom <= 200, `the list is virtualized: ${rowsInDom} rows in the DOM`);

  // The top bar's search scans every resource per keystroke.
  const searchKeys = await keystrokeTimes(page, '#global-search', ['g', 'g0', 'g05', 'g050', 'g05', 'g0', 'i', 'im', 'ima', 'imag']);
  [figures.searchKeystrokeMedianMs, figures.searchKeystrokeMaxMs] = medianMax(searchKeys);

  // A definition's page: its versions grid (replication state at the clock's time), filtered.
  const doc = JSON.parse(world);
  const firstGallery = doc.galleries[0];
  const definitionId = `${firstGallery.id}/images/${firstGallery.images[0].name}`;
  const opened = Date.now();
  await page.goto(`${env.server.url}#/home/resource:${encodeURIComponent(definitionId)}`);
  const grid = page.getByRole('table', { name: 'List of versions' });
  await grid.getByRole('row').nth(1).waitFor({ timeout: 60_000 });
  figures.definitionPageMs = Date.now() - opened;
  const gridKeys = await keystrokeTimes(page, '.children .filters input[type=search]', ['1', '1.', '1.0', '1.0.', '1.0.1', '1.0.', '1.0', '1.', '1', '']);
  [figures.versionGridKeystrokeMedianMs, figures.versionGridKeystrokeMaxMs] = medianMax(gridKeys);
  figures.versionGridRowsInDom = await page.evaluate(() => document.querySelectorAll('[role=row]').length);
  assert.ok(figures.versionGridRowsInDom <= 200, `the grid is virtualized: ${figures.versionGridRowsInDom} rows`);

  // One command at this size, then the save that follows it.
  await page.goto(`${env.server.url}#/sources`);
  const sources = blade(page, 'Image sources (simulated)');
  await sources.getByLabel('Source name').fill('scale-probe');
  const revision = await page.evaluate(() => Number(localStorage.getItem('sig-portal/revision')));
  const partKeys = () => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('sig-portal/part/')).sort());
  const partsBefore = await partKeys();
  // Every main-thread task from the click to the save's end (Long Tasks API: over 50 ms).
  await page.evaluate(() => {
    window.sigLongTasks = [];
    new PerformanceObserver((list) => window.sigLongTasks.push(...list.getEntries().map((e) => e.duration)))
      .observe({ type: 'longtask' });
  });
  const t0 = Date.now();
  await sources.getByRole('button', { name: 'Add source' }).click();
  await sources.getByRole('cell', { name: 'scale-probe' }).waitFor();
  figures.commandShownMs = Date.now() - t0;
  // The save follows the change, off the interaction.
  await page.waitForFunction((r) => Number(localStorage.getItem('sig-portal/revision')) > r, revision);
  figures.commandSavedMs = Date.now() - t0;
  figures.saveMs = await page.evaluate(() => Math.round(performance.getEntriesByName('sig:save').at(-1).duration * 10) / 10);
  figures.longTasksMs = await page.evaluate(() => window.sigLongTasks.map(Math.round));
  assert.equal(await page.getByRole('alert').filter({ hasText: 'not saved' }).count(), 0);
  // A source is not in any gallery: the save wrote no part, only the envelope (and
  // removed what the save before it replaced).
  const written = (await partKeys()).filter((key) => !partsBefore.includes(key));
  assert.deepEqual(written, [], 'no part written for a change outside the galleries and access');
  figures.partsStored = partsBefore.length;

  // A command on one gallery (a tag, from its page): its save writes that gallery's part
  // and the envelope, nothing else.
  const galleryId = doc.galleries[50].id;
  const galleryName = galleryId.split('/').pop();
  await page.goto(`${env.server.url}#/home/resource:${encodeURIComponent(galleryId)}`);
  const galleryPage = blade(page, galleryName);
  await page.getByRole('navigation', { name: `${galleryName} menu` }).getByRole('link', { name: 'Tags', exact: true }).click();
  await galleryPage.getByRole('button', { name: '+ Add tag' }).click();
  await galleryPage.getByLabel('Tag 1 name').fill('team');
  await galleryPage.getByLabel('Tag 1 value').fill('images');
  const partsBeforeTag = await partKeys();
  const revisionBeforeTag = await page.evaluate(() => Number(localStorage.getItem('sig-portal/revision')));
  await page.evaluate(() => { window.sigLongTasks = []; });
  await galleryPage.getByRole('button', { name: 'Save' }).click();
  await page.waitForFunction((r) => Number(localStorage.getItem('sig-portal/revision')) > r, revisionBeforeTag);
  figures.gallerySaveMs = await page.evaluate(() => Math.round(performance.getEntriesByName('sig:save').at(-1).duration * 10) / 10);
  figures.galleryLongTasksMs = await page.evaluate(() => window.sigLongTasks.map(Math.round));
  const newParts = (await partKeys()).filter((key) => !partsBeforeTag.includes(key));
  assert.equal(newParts.length, 1, `one gallery's part written, not ${newParts.length}`);
  // Parts over 8 KB are stored deflated (raw deflate, one byte per UTF-16 unit, after "sigz1:").
  const partText = await page.evaluate(async (key) => {
    const stored = localStorage.getItem(key);
    if (!stored.startsWith('sigz1:')) return stored;
    const bytes = Uint8Array.from(stored.slice('sigz1:'.length), (c) => c.charCodeAt(0));
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).text();
  }, newParts[0]);
  assert.equal(JSON.parse(partText).node.id, galleryId);
  assert.deepEqual(JSON.parse(partText).node.tags, { team: 'images' });

  console.log(`figures: ${JSON.stringify(figures)}`);
  mkdirSync(join(ROOT, 'tests', 'test-results'), { recursive: true });
  writeFileSync(join(ROOT, 'tests', 'test-results', 'scale-figures.json'), JSON.stringify(figures, null, 2));
  await page.close();
});

test('an import shows its progress and can be cancelled; a refused or cancelled file changes nothing', async () => {
  const page = await newPage(env.browser, []);
  await createGallery(page, env.server.url, 'KeptGallery');
  const stored = () => page.evaluate(() => localStorage.getItem('sig-portal/revision'));
  const revision = await stored();
  const io = blade(page, 'Export and import');
  const dir = mkdtempSync(join(tmpdir(), 'sig-import-'));

  // Not JSON at all.
  await page.goto(`${env.server.url}#/export-import`);
  writeFileSync(join(dir, 'broken.json'), '{"formatVersion": 3, "galleries": [');
  await io.getByLabel('State file').setInputFiles(join(dir, 'broken.json'));
  await io.getByRole('alert').filter({ hasText: 'Import refused; nothing was changed.' }).getByText(/not valid JSON/).waitFor();

  // Valid JSON, refused by a rule: two versions with one name under one definition.
  const doc = JSON.parse(readFileSync(STATE, 'utf8'));
  doc.galleries[3].images[2].versions[1].name = doc.galleries[3].images[2].versions[0].name;
  writeFileSync(join(dir, 'duplicate.json'), JSON.stringify(doc));
  await io.getByLabel('State file').setInputFiles(join(dir, 'duplicate.json'));
  const refused = io.getByRole('alert').filter({ hasText: 'Import refused; nothing was changed.' });
  await refused.getByText(/not a SIG Portal state file: invalid world export/).waitFor({ timeout: 60_000 });
  // The rule's own line too: the file is read again for it (its text is not kept while
  // the world is built).
  await refused.getByText(/^Conflict \/subscriptions\/.*\/versions\/1\.0\.0: Image version '1\.0\.0' already exists/).waitFor();

  // The full-limits file, cancelled while it is admitted: its progress is shown, then nothing
  // changes. The CPU is slowed (as on a slow laptop), so the import lasts long enough to cancel.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 20 });
  await io.getByLabel('State file').setInputFiles(STATE);
  const progress = io.getByRole('status').filter({ hasText: /Importing… \d+ of 111\d\d resources/ });
  await progress.waitFor({ timeout: 60_000 });
  assert.ok(await io.getByLabel(/Importing…/).isVisible(), 'a labelled progress bar');
  assert.ok(await io.getByLabel('State file').isDisabled(), 'no second file while one is imported');
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await io.getByText('Import cancelled; nothing was changed.').waitFor({ timeout: 60_000 });
  assert.equal(await io.getByLabel('State file').isDisabled(), false);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

  assert.equal(await stored(), revision, 'nothing was saved');
  await page.goto(`${env.server.url}#/galleries`);
  await blade(page, 'Azure compute galleries').getByRole('button', { name: 'KeptGallery' }).waitFor();
  assert.equal(await blade(page, 'Azure compute galleries').getByRole('button', { name: 'g000' }).count(), 0);
  await page.close();
});
