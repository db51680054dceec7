// The seed's main journey through the portal's wizards, as a person does it:
// galleries, image definitions, sources and image versions; the core's rules
// shown where the user types; edit, delete, reload, export and import.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { blade, createGallery as createGalleryAt, fillDefinition, newPage, usePortal } from './support.mjs';

const env = usePortal();

const createGallery = (page, name, description) => createGalleryAt(page, env.server.url, name, description);
const createDefinition = fillDefinition;

test('create a gallery, an image definition, a source and an image version; reload and find them', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await createGallery(page, 'contosoImages', 'Golden images');
  let wizard = await createDefinition(page, 'contosoImages', 'ubuntu-web', ['Contoso', 'Web', 'Ubuntu22']);
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, 'ubuntu-web').waitFor();

  // A managed image to make the version from (part of the simulation).
  await page.goto(`${env.server.url}#/sources`);
  const sources = blade(page, 'Image sources (simulated)');
  await sources.getByLabel('Source name').fill('ubuntu-base');
  await sources.getByLabel('Region').selectOption('eastus');
  await sources.getByRole('button', { name: 'Add source' }).click();
  await sources.getByRole('cell', { name: 'ubuntu-base' }).waitFor();

  await page.goto(`${env.server.url}#/galleries`);
  await blade(page, 'Azure compute galleries').getByRole('button', { name: 'contosoImages' }).click();
  await blade(page, 'contosoImages').getByRole('button', { name: 'ubuntu-web' }).click();
  await blade(page, 'ubuntu-web').getByRole('button', { name: '+ Add version' }).click();
  wizard = blade(page, 'Create a VM image version');
  await wizard.getByLabel('Version number').fill('1.0.0');
  await wizard.getByLabel('Source').selectOption({ label: 'Managed image: ubuntu-base (East US)' });
  await wizard.getByRole('tab', { name: /Replication/ }).click();
  await wizard.getByRole('button', { name: '+ Add target region' }).click();
  await wizard.getByLabel('Target region 2', { exact: true }).selectOption('westeurope');
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByText('Validation passed').waitFor();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, '1.0.0').waitFor();

  await page.reload();
  await blade(page, '1.0.0').waitFor();
  await page.goto(`${env.server.url}#/resources`);
  const all = blade(page, 'All resources');
  for (const name of ['contosoImages', 'contosoImages/ubuntu-web', 'contosoImages/ubuntu-web/1.0.0']) {
    await all.getByRole('button', { name, exact: true }).waitFor();
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('the core’s rules appear under the field as you type, and block Review + create', async () => {
  const page = await newPage(env.browser, []);
  await page.goto(`${env.server.url}#/create-gallery`);
  const wizard = blade(page, 'Create Azure compute gallery');
  await wizard.getByLabel('Name', { exact: true }).fill('my-gallery');
  await wizard.getByText(/Gallery name is invalid/).first().waitFor();
  assert.equal(await wizard.getByRole('button', { name: 'Review + create' }).isDisabled(), true);
  await wizard.getByLabel('Name', { exact: true }).fill('myGallery');
  await wizard.getByText(/Gallery name is invalid/).first().waitFor({ state: 'detached' });
  assert.equal(await wizard.getByRole('button', { name: 'Review + create' }).isDisabled(), false);
  await page.close();
});

test('a second definition with the same Publisher/Offer/SKU is refused with Azure’s message', async () => {
  const page = await newPage(env.browser, []);
  await createGallery(page, 'dupGallery');
  let wizard = await createDefinition(page, 'dupGallery', 'first', ['Contoso', 'Finance', 'Backend']);
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, 'first').waitFor();
  await blade(page, 'first').getByRole('button', { name: 'Close first' }).click();
  wizard = await createDefinition(page, 'dupGallery', 'second', ['contoso', 'finance', 'backend']);
  await wizard.getByText(/identified by \(publisher:.*already exists/).first().waitFor();
  assert.equal(await wizard.getByRole('button', { name: 'Review + create' }).isDisabled(), true);
  // Sharing two of the three values is fine.
  await wizard.getByLabel('SKU').fill('Frontend');
  await wizard.getByText(/already exists/).first().waitFor({ state: 'detached' });
  await page.close();
});

test('edit changes a mutable field; immutable ones are read-only; a non-empty gallery cannot be deleted', async () => {
  const page = await newPage(env.browser, []);
  await createGallery(page, 'editGallery', 'before');
  const wizard = await createDefinition(page, 'editGallery', 'win-app', ['Contoso', 'App', 'Win2022']);
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  const definition = blade(page, 'win-app');
  await definition.getByRole('button', { name: 'Edit', exact: true }).click();
  assert.equal(await definition.getByLabel('Publisher').getAttribute('readonly'), '');
  assert.equal(await definition.getByLabel('Operating system', { exact: true }).getAttribute('readonly'), '');
  await definition.getByLabel('Description').fill('Line-of-business app host');
  await definition.getByRole('button', { name: 'Save' }).click();
  await definition.getByText('Line-of-business app host').first().waitFor();

  // Back to the gallery through the breadcrumb.
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button', { name: 'editGallery', exact: true }).click();
  const gallery = blade(page, 'editGallery');
  await gallery.getByRole('button', { name: 'Delete' }).click();
  const refusal = gallery.getByRole('alertdialog', { name: 'Delete blocked' });
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /nested resources exist.*win-app/s);
  await page.close();
});

test('export, clear the browser, import: everything is back', async () => {
  const page = await newPage(env.browser, []);
  await createGallery(page, 'roundTrip', 'exported');
  await page.goto(`${env.server.url}#/export-import`);
  const io = blade(page, 'Export and import');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    io.getByRole('button', { name: 'Export to file' }).click(),
  ]);
  const path = await download.path();
  const exported = JSON.parse(readFileSync(path, 'utf8'));
  assert.ok(JSON.stringify(exported).includes('roundTrip'));

  await page.evaluate(() => localStorage.clear());
  await page.goto(`${env.server.url}#/galleries`);
  await page.reload();
  await blade(page, 'Azure compute galleries').getByText('No galleries to display').waitFor();

  await page.goto(`${env.server.url}#/export-import`);
  await blade(page, 'Export and import').getByLabel('State file').setInputFiles(path);
  await blade(page, 'Export and import').getByText(/Imported: 1 galleries/).waitFor();
  await page.goto(`${env.server.url}#/galleries`);
  await blade(page, 'Azure compute galleries').getByRole('button', { name: 'roundTrip' }).waitFor();
  await page.close();
});

test('the gallery wizard can be completed with the keyboard only', async () => {
  const page = await newPage(env.browser, []);
  await page.goto(`${env.server.url}#/create-gallery`);
  const wizard = blade(page, 'Create Azure compute gallery');
  await wizard.getByLabel('Name', { exact: true }).focus();
  await page.keyboard.type('keyboardGallery');
  // Tab to "Review + create" and press Enter, then to "Create".
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
    if (focused === 'Review + create' && (await page.evaluate(() => document.activeElement?.tagName)) === 'BUTTON' &&
        (await page.evaluate(() => document.activeElement?.getAttribute('role'))) !== 'tab') break;
  }
  await page.keyboard.press('Enter');
  await wizard.getByText('Validation passed').waitFor();
  for (let i = 0; i < 40; i += 1) {
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
    if (focused === 'Create') break;
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  await blade(page, 'keyboardGallery').waitFor();
  await page.close();
});

test('a corrupt saved state is kept aside, the user is told, and work goes on', async () => {
  const page = await newPage(env.browser, []);
  // Plant the broken state from a page of the same origin where the app is not running, so
  // no save of the app's (a pending one, or the one flushed when a page is hidden) can land
  // on top of it: the test does not depend on timing.
  await page.goto(`${env.server.url}no-app-here.txt`);
  await page.evaluate(() => localStorage.setItem('sig-portal/state', '{"envelopeVersion": 1, "world": {broken'));
  await page.goto(env.server.url);
  await page.getByRole('alert').filter({ hasText: 'could not be read' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('sig-portal/state-unreadable')), '{"envelopeVersion": 1, "world": {broken');
  await createGallery(page, 'afterCorruption');
  await page.close();
});

test('the version wizard creates its source in place with "Create new"', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await createGallery(page, 'inPlaceGallery');
  let wizard = await createDefinition(page, 'inPlaceGallery', 'in-place', ['Contoso', 'InPlace', 'Sku']);
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, 'in-place').getByRole('button', { name: '+ Add version' }).click();
  wizard = blade(page, 'Create a VM image version');
  await wizard.getByLabel('Version number').fill('1.0.0');
  await wizard.getByRole('button', { name: 'Create new' }).click();
  const form = wizard.getByRole('group', { name: 'New managed image (simulated source)' });
  await form.getByLabel('Managed image name').fill('made-in-place');
  await form.getByRole('button', { name: 'Create source' }).click();
  await form.waitFor({ state: 'detached' });
  // The new image is the chosen source, and the version is made from it.
  const source = wizard.getByLabel('Source');
  assert.match(await source.inputValue(), /\/providers\/Microsoft\.Compute\/images\/made-in-place$/);
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByText('Validation passed').waitFor();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, '1.0.0').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('a change in one tab appears in the other', async () => {
  const context = await env.browser.newContext();
  const first = await context.newPage();
  const second = await context.newPage();
  await first.goto(`${env.server.url}#/galleries`);
  await second.goto(`${env.server.url}#/galleries`);
  await blade(second, 'Azure compute galleries').waitFor();

  await first.goto(`${env.server.url}#/create-gallery`);
  const wizard = blade(first, 'Create Azure compute gallery');
  await wizard.getByLabel('Name', { exact: true }).fill('sharedAcrossTabs');
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(first, 'sharedAcrossTabs').waitFor();

  // No reload: the storage event brings the other tab up to date.
  await blade(second, 'Azure compute galleries').getByRole('button', { name: 'sharedAcrossTabs' }).waitFor();
  await context.close();
});

test('two tabs that create at the same moment both keep their change', async () => {
  const context = await env.browser.newContext();
  const pages = [await context.newPage(), await context.newPage()];
  const names = [];
  for (let round = 0; round < 3; round++) {
    const creates = [];
    for (const [tab, page] of pages.entries()) {
      const name = `race${round}tab${tab}`;
      names.push(name);
      await page.goto(`${env.server.url}#/create-gallery`);
      const wizard = blade(page, 'Create Azure compute gallery');
      await wizard.getByLabel('Name', { exact: true }).fill(name);
      await wizard.getByRole('button', { name: 'Review + create' }).click();
      creates.push(wizard.getByRole('button', { name: 'Create', exact: true }));
    }
    // Both tabs create, and so save, at the same moment: each page clicks at the same instant
    // of the shared clock (within a millisecond), not one after the other's round trip.
    await Promise.all(creates.map((button) => button.waitFor()));
    const at = Date.now() + 300;
    await Promise.all(creates.map((button) => button.evaluate((element, when) => {
      setTimeout(() => element.click(), when - Date.now());
    }, at)));
    await Promise.all(pages.map((page, tab) => blade(page, `race${round}tab${tab}`).waitFor()));
  }
  for (const page of pages) {
    await page.goto(`${env.server.url}#/galleries`);
    const list = blade(page, 'Azure compute galleries');
    for (const name of names) await list.getByRole('button', { name, exact: true }).waitFor();
  }
  await pages[0].reload();
  const list = blade(pages[0], 'Azure compute galleries');
  for (const name of names) await list.getByRole('button', { name, exact: true }).waitFor();
  await context.close();
});

test('the simulation clock follows the other tab', async () => {
  const context = await env.browser.newContext();
  const first = await context.newPage();
  const second = await context.newPage();
  await first.goto(`${env.server.url}#/home`);
  await second.goto(`${env.server.url}#/home`);
  const clockIn = (page) => page.getByRole('group', { name: 'Simulation clock' });
  await clockIn(second).waitFor();
  await clockIn(first).getByRole('button', { name: 'Pause' }).click();
  await clockIn(first).getByRole('button', { name: 'Step 5 min' }).click();
  const time = await clockIn(first).getByLabel('Simulation time').textContent();
  await clockIn(second).getByRole('button', { name: 'Pause', pressed: true }).waitFor();
  await clockIn(second).getByLabel('Simulation time').filter({ hasText: time }).waitFor();
  await context.close();
});

test('select resources in the list and delete them, children first', async () => {
  const page = await newPage(env.browser, []);
  await createGallery(page, 'doomedGallery');
  const wizard = await createDefinition(page, 'doomedGallery', 'doomed-def', ['Doom', 'Offer', 'Sku']);
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, 'doomed-def').waitFor();

  await page.goto(`${env.server.url}#/resources`);
  const list = blade(page, 'All resources');
  await list.getByLabel('Select doomedGallery', { exact: true }).check();
  await list.getByLabel('Select doomedGallery/doomed-def', { exact: true }).check();
  await list.getByRole('button', { name: 'Delete (2)' }).click();
  await list.getByRole('alertdialog', { name: 'Confirm delete' }).getByRole('button', { name: 'Yes, delete' }).click();
  await list.getByRole('button', { name: 'doomedGallery', exact: true }).waitFor({ state: 'detached' });
  assert.equal(await list.getByRole('button', { name: 'doomedGallery/doomed-def', exact: true }).count(), 0);
  await page.close();
});

test('the simulation clock is where the user left it after a reload', async () => {
  const page = await newPage(env.browser, []);
  await page.goto(`${env.server.url}#/home`);
  const clock = page.getByRole('group', { name: 'Simulation clock' });
  await clock.getByRole('button', { name: 'Pause' }).click();
  await clock.getByRole('button', { name: 'Step 5 min' }).click();
  await clock.getByRole('button', { name: 'Step 5 min' }).click();
  const before = await clock.getByLabel('Simulation time').textContent();
  await page.reload();
  await blade(page, 'Home').waitFor();
  assert.equal(await clock.getByLabel('Simulation time').textContent(), before);
  assert.equal(await clock.getByRole('button', { name: 'Pause' }).getAttribute('aria-pressed'), 'true');
  await page.close();
});

/** Creates gallery `gallery` with definition `definition` and opens its "Create a VM image version" wizard. */
async function openVersionWizard(page, gallery, definition) {
  await createGallery(page, gallery);
  const wizard = await createDefinition(page, gallery, definition, ['Contoso', definition, 'Sku']);
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, definition).getByRole('button', { name: '+ Add version' }).click();
  return blade(page, 'Create a VM image version');
}

/**
 * Presses Tab (Shift+Tab when `back`) until the focused element is `role` named `name`
 * (its text, aria-label or label), and returns how many presses it took.
 */
async function tabTo(page, role, name, back = false) {
  for (let presses = 0; presses < 60; presses += 1) {
    const at = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el) return {};
      const label = el.labels?.[0]?.textContent ?? '';
      return {
        role: el.getAttribute('role') ?? ({ BUTTON: 'button', INPUT: 'textbox', SELECT: 'combobox' }[el.tagName] ?? ''),
        name: (el.getAttribute('aria-label') ?? (label || el.textContent)).replace(/\s*\*\s*$/, '').trim(),
      };
    });
    if (at.role === role && at.name === name) return presses;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`no ${role} named "${name}" reached with the keyboard`);
}

test('the version wizard, "Create new" source included, can be completed with the keyboard only; a marked tab says why', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  const wizard = await openVersionWizard(page, 'keysGallery', 'keys-def');
  await wizard.getByLabel('Version number').waitFor();

  // Straight to the review with nothing filled in: the Basics tab is marked, and says why.
  await tabTo(page, 'tab', 'Basics', true);
  await page.keyboard.press('End');
  const tabs = wizard.getByRole('tablist', { name: 'Steps' });
  assert.match(await tabs.getByRole('tab', { selected: true }).textContent(), /^Review \+ create/);
  assert.match(await page.evaluate(() => document.activeElement.textContent), /^Review \+ create/);
  const basicsTab = tabs.getByRole('tab', { name: /^Basics/ });
  await basicsTab.locator('.tab-error-mark').waitFor();
  await page.keyboard.press('ArrowRight'); // wraps to Basics
  const summary = wizard.getByRole('group', { name: 'Errors on Basics' });
  await summary.waitFor();
  assert.match(await summary.textContent(), /Basics: fix \d+ error\(s\)/);
  await summary.getByRole('listitem').filter({ hasText: 'Enter a version number (MajorVersion.MinorVersion.Patch' }).waitFor();

  // Now the keyboard alone: the number, a new source made in place, review, create.
  await tabTo(page, 'textbox', 'Version number');
  await page.keyboard.type('2.0.0');
  await tabTo(page, 'button', 'Create new');
  await page.keyboard.press('Enter');
  await tabTo(page, 'textbox', 'Managed image name');
  await page.keyboard.type('keys-source');
  await tabTo(page, 'button', 'Create source');
  await page.keyboard.press('Enter');
  await wizard.getByRole('group', { name: 'New managed image (simulated source)' }).waitFor({ state: 'detached' });
  assert.match(await wizard.getByLabel('Source').inputValue(), /\/images\/keys-source$/);
  await summary.waitFor({ state: 'detached' });
  await tabTo(page, 'button', 'Review + create');
  await page.keyboard.press('Enter');
  await wizard.getByText('Validation passed').waitFor();
  await tabTo(page, 'button', 'Create');
  await page.keyboard.press('Enter');
  await blade(page, '2.0.0').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('a version with Shallow replication: the caveats as advice, the mode on its page, ready after the set-up time', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  const wizard = await openVersionWizard(page, 'shallowGallery', 'shallow-def');
  await wizard.getByLabel('Version number').fill('1.0.0');
  await wizard.getByRole('button', { name: 'Create new' }).click();
  const form = wizard.getByRole('group', { name: 'New managed image (simulated source)' });
  await form.getByLabel('Managed image name').fill('shallow-source');
  await form.getByRole('button', { name: 'Create source' }).click();
  await form.waitFor({ state: 'detached' });
  await wizard.getByRole('tab', { name: /Replication/ }).click();
  await wizard.getByLabel('Replication mode').selectOption('Shallow');
  // A second region: allowed, with the advice the tools enforce.
  await wizard.getByRole('button', { name: '+ Add target region' }).click();
  await wizard.getByRole('tabpanel', { name: 'Replication' }).locator('.field-warning').filter({ hasText: /Shallow replication skips copying the image, so it is ready sooner/ }).waitFor();
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByText('Validation passed').waitFor();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  const version = blade(page, '1.0.0');
  await version.waitFor();
  const essentials = version.getByRole('region', { name: 'Essentials' });
  assert.equal(await essentials.locator('dt', { hasText: /^Replication mode$/ }).locator('xpath=following-sibling::dd[1]').textContent(), 'Shallow');
  // Not copied: the set-up time alone (2 minutes on the simulation clock) and it is ready everywhere.
  const clock = page.getByRole('group', { name: 'Simulation clock' });
  await clock.getByRole('button', { name: 'Pause' }).click();
  await clock.getByRole('button', { name: 'Step 5 min' }).click();
  await essentials.locator('dt', { hasText: /^Replication state$/ }).locator('xpath=following-sibling::dd[1]').filter({ hasText: 'Completed' }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('publish a Trusted Launch version: the definition needs Gen 2, and a source made in place fits it', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await createGallery(page, 'trustedGallery');
  const wizard = await createDefinition(page, 'trustedGallery', 'trusted-def', ['Contoso', 'Trusted', 'Sku']);
  await wizard.getByLabel('Security type').selectOption('TrustedLaunch');
  await wizard.getByLabel('VM generation').selectOption('V1');
  await wizard.getByRole('tab', { name: /Review/ }).click();
  assert.equal(await wizard.getByRole('button', { name: 'Create', exact: true }).isDisabled(), true);
  // The Basics tab is marked, and says why.
  await wizard.getByRole('tab', { name: /Basics/ }).locator('.tab-error-mark').waitFor();
  await wizard.getByRole('tab', { name: /Basics/ }).click();
  await wizard.getByRole('group', { name: 'Errors on Basics' }).getByText(/SecurityType 'TrustedLaunch' is only supported for Hyper-V generation V2 images/).waitFor();
  await wizard.getByLabel('VM generation').selectOption('V2');
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByText('Validation passed').waitFor();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  const definition = blade(page, 'trusted-def');
  await definition.getByRole('region', { name: 'Essentials' }).getByText('V2').waitFor();

  await definition.getByRole('button', { name: '+ Add version' }).click();
  const versionWizard = blade(page, 'Create a VM image version');
  await versionWizard.getByLabel('Version number').fill('1.0.0');
  await versionWizard.getByRole('button', { name: 'Create new' }).click();
  const form = versionWizard.getByRole('group', { name: 'New managed image (simulated source)' });
  await form.getByLabel('Managed image name').fill('trusted-source');
  await form.getByRole('button', { name: 'Create source' }).click();
  await form.waitFor({ state: 'detached' });
  await versionWizard.getByRole('button', { name: 'Review + create' }).click();
  await versionWizard.getByText('Validation passed').waitFor();
  await versionWizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, '1.0.0').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
