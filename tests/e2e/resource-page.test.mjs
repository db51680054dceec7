// A gallery, an image definition and an image version each open as a
// resource page, as in today's Azure portal: a resource menu on the left
// whose items change the content on the right (and the title), a command bar
// in one row with a keyboard-operable "…" menu for what does not fit, and
// Essentials in two columns with the subscription's name and dates in the
// user's locale (UTC in their title).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { blade, createGallery, fillDefinition, importExample, newPage, usePortal } from './support.mjs';

const env = usePortal();

const menuItems = async (page, name) =>
  page.getByRole('navigation', { name: `${name} menu` }).getByRole('link').allTextContents();

/** Opens `item` in the resource menu of `name` and waits for the title "{name} | {item}". */
async function choose(page, name, item) {
  const nav = page.getByRole('navigation', { name: `${name} menu` });
  await nav.getByRole('link', { name: item, exact: true }).click();
  await blade(page, name).getByRole('heading', { level: 1, name: `${name} | ${item}` }).waitFor();
  assert.equal(await nav.getByRole('link', { name: item, exact: true }).getAttribute('aria-current'), 'page');
}

/** With the example imported, opens its ContosoImages gallery's page. */
async function openExampleGallery(page, url) {
  await importExample(page, url);
  const gallery = '/subscriptions/2b7e1c4d-9a3f-4b8e-8c2d-5f6a7b8c9d0e/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/ContosoImages';
  await page.goto(`${url}#/home/resource:${encodeURIComponent(gallery)}`);
}

/** The value next to `label` in the blade's Essentials. */
const essential = (page, name, label) =>
  blade(page, name).getByRole('region', { name: 'Essentials' }).locator('dt', { hasText: typeof label === 'string' ? new RegExp(`^${label}$`) : label }).first().locator('xpath=following-sibling::dd[1]');

test('gallery, definition and version pages: menu, sections, command bar and Essentials', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  const url = env.server.url;

  await page.goto(`${url}#/sources`);
  const sources = blade(page, 'Image sources (simulated)');
  await sources.getByLabel('Source name').fill('base-image');
  await sources.getByLabel('Region').selectOption('eastus');
  await sources.getByRole('button', { name: 'Add source' }).click();
  await sources.getByRole('cell', { name: /base-image/ }).waitFor();

  // The gallery's page.
  await createGallery(page, url, 'pageGallery', 'A resource page');
  const gallery = blade(page, 'pageGallery');
  assert.deepEqual(await menuItems(page, 'pageGallery'), [
    'Overview', 'Activity log', 'Access control (IAM)', 'Tags', 'Definitions', 'Sharing', 'Properties', 'Export template',
  ]);
  const nav = page.getByRole('navigation', { name: 'pageGallery menu' });
  assert.equal(await nav.getByRole('link', { name: 'Overview' }).getAttribute('aria-current'), 'page');
  await gallery.getByRole('heading', { level: 1, name: 'pageGallery', exact: true }).waitFor();
  // Essentials: the subscription by name (it opens Subscriptions), its id beside it.
  await essential(page, 'pageGallery', 'Subscription ID').waitFor();
  const subscription = essential(page, 'pageGallery', /^Subscription$/);
  assert.equal(await subscription.getByRole('button').textContent(), 'Contoso Images');
  assert.notEqual(await essential(page, 'pageGallery', 'Subscription ID').textContent(), 'Contoso Images');
  assert.equal(await essential(page, 'pageGallery', 'Description').textContent(), 'A resource page');
  assert.equal(await gallery.getByRole('region', { name: 'Essentials' }).locator('dl').count(), 2, 'two columns');
  // The command bar: real buttons in one toolbar.
  const bar = gallery.getByRole('toolbar', { name: 'Resource actions' });
  for (const name of ['+ Add new image definition', 'Edit', 'Delete', 'Access control (IAM)', 'Export template']) {
    assert.ok(await bar.getByRole('button', { name, exact: true }).isVisible(), `${name} in the command bar`);
  }

  // Activity log: only this gallery's entries; the blade keeps its plain name.
  await choose(page, 'pageGallery', 'Activity log');
  const activity = gallery.getByRole('table', { name: 'Activity' });
  await activity.getByRole('cell', { name: /pageGallery$/ }).first().waitFor();
  for (const target of await activity.locator('tbody td code').allTextContents()) {
    assert.match(target, /galleries\/pageGallery/i, 'only entries on the gallery');
  }
  // Access control (IAM) on the right, not as a new blade.
  await choose(page, 'pageGallery', 'Access control (IAM)');
  await gallery.getByRole('tablist', { name: 'Access control' }).waitFor();
  assert.equal(await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('listitem').count(), 2);
  // Tags: saved through the core's update.
  await choose(page, 'pageGallery', 'Tags');
  await gallery.getByRole('button', { name: '+ Add tag' }).click();
  await gallery.getByLabel('Tag 1 name').fill('env');
  await gallery.getByLabel('Tag 1 value').fill('test');
  await gallery.getByRole('button', { name: 'Save' }).click();
  // Properties: everything, read-only.
  // Sharing: the method (RBAC, the seed's) and sharing as a role assignment from here.
  await choose(page, 'pageGallery', 'Sharing');
  const sharing = gallery.getByRole('region', { name: 'Sharing', exact: true });
  await sharing.getByRole('definition').getByText('Role based access control (RBAC)').waitFor();
  await sharing.getByRole('form', { name: 'Change sharing method' }).waitFor();
  await sharing.getByRole('region', { name: 'Sharing matrix', exact: true }).waitFor();
  await sharing.getByRole('button', { name: '+ Add role assignment' }).click();
  await blade(page, 'Add role assignment').getByText(/Scope: .*pageGallery/).waitFor();
  await page.keyboard.press('Escape');
  await blade(page, 'Add role assignment').waitFor({ state: 'detached' });
  await choose(page, 'pageGallery', 'Properties');
  await gallery.getByRole('region', { name: 'Properties' }).getByText('Resource ID').waitFor();
  // Back to Overview: the title is the plain name again and the tag is in the JSON.
  await nav.getByRole('link', { name: 'Overview' }).click();
  await gallery.getByRole('heading', { level: 1, name: 'pageGallery', exact: true }).waitFor();
  assert.match(await gallery.getByLabel('Resource JSON').textContent(), /"env": "test"/);

  // The definition's page.
  const wizard = await fillDefinition(page, 'pageGallery', 'pageDefinition', ['Contoso', 'Web', 'Ubuntu22']);
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  const definition = blade(page, 'pageDefinition');
  await definition.waitFor();
  assert.deepEqual(await menuItems(page, 'pageDefinition'), [
    'Overview', 'Activity log', 'Access control (IAM)', 'Tags', 'Versions', 'Properties', 'Export template',
  ]);
  assert.equal(await essential(page, 'pageDefinition', 'Publisher').textContent(), 'Contoso');
  assert.equal(await essential(page, 'pageDefinition', 'Gallery').getByRole('button').textContent(), 'pageGallery');
  await choose(page, 'pageDefinition', 'Versions');
  await definition.getByRole('region', { name: 'Versions' }).getByText('None yet.').waitFor();

  // The version's page.
  await definition.getByRole('button', { name: '+ Add version' }).click();
  const versionWizard = blade(page, 'Create a VM image version');
  await versionWizard.getByLabel('Version number').fill('1.0.0');
  await versionWizard.getByLabel('Source').selectOption({ index: 1 });
  await versionWizard.getByRole('button', { name: 'Review + create' }).click();
  await versionWizard.getByText('Validation passed').waitFor();
  await versionWizard.getByRole('button', { name: 'Create', exact: true }).click();
  const version = blade(page, '1.0.0');
  await version.waitFor();
  assert.deepEqual(await menuItems(page, '1.0.0'), [
    'Overview', 'Activity log', 'Access control (IAM)', 'Tags', 'Replication', 'Properties', 'Export template',
  ]);
  // The published date in the user's locale, its UTC ISO value in the title.
  const published = essential(page, '1.0.0', 'Published date').locator('time');
  assert.match(await published.getAttribute('title'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \(UTC\)$/);
  assert.ok((await published.textContent()).length > 0);
  assert.equal(await essential(page, '1.0.0', 'Source').getByRole('button').textContent(), 'base-image');
  assert.match(await essential(page, '1.0.0', 'Replication state').textContent(), /\w+/);
  await choose(page, '1.0.0', 'Replication');
  await version.getByRole('status').filter({ hasText: 'Replication state' }).waitFor();

  // All commands fit a wide window; in a narrow one what does not fit its
  // measured width is under "…", operated with the keyboard.
  const versionBar = version.getByRole('toolbar', { name: 'Resource actions' });
  await page.setViewportSize({ width: 1920, height: 900 });
  await versionBar.getByRole('button', { name: 'Export template' }).waitFor();
  assert.equal(await versionBar.getByRole('button', { name: 'More commands' }).count(), 0);
  await page.setViewportSize({ width: 720, height: 760 });
  const more = version.getByRole('button', { name: 'More commands' });
  await more.waitFor();
  assert.equal(await more.getAttribute('aria-haspopup'), 'menu');
  await more.focus();
  await page.keyboard.press('Enter');
  const menu = version.getByRole('menu', { name: 'More commands' });
  await menu.waitFor();
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  const items = await menu.getByRole('menuitem').allTextContents();
  assert.ok(items.length >= 2 && items.includes('Export template'), `menu: ${items}`);
  assert.ok(await versionBar.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), 'what stays in the bar fits it');
  const focused = () => page.evaluate(() => document.activeElement?.textContent);
  const inMenu = () => page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'menuitem');
  await inMenu();
  assert.equal(await focused(), items[0]);
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), items[1]);
  await page.keyboard.press('End');
  assert.equal(await focused(), items.at(-1));
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), items[0], 'wraps around');
  // Escape closes the menu (not the blade) and gives focus back to "…".
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden' });
  assert.equal(await focused(), '…');
  await version.waitFor();
  // Enter on an item runs it: Export template, preselected with this version.
  await page.keyboard.press('ArrowDown');
  await menu.waitFor();
  await inMenu();
  assert.equal(await focused(), items[0], 'ArrowDown on "…" opens the menu at its first item');
  await page.keyboard.press('End');
  assert.equal(await focused(), 'Export template');
  await page.keyboard.press('Enter');
  await version.getByRole('heading', { level: 1, name: '1.0.0 | Export template' }).waitFor();
  await menu.waitFor({ state: 'hidden' });
  await page.setViewportSize({ width: 1024, height: 760 });
  assert.ok(
    (await page.evaluate(() => document.documentElement.scrollWidth)) <= 1024,
    'no page-level sideways scroll at 1024 px',
  );

  assert.deepEqual(errors, []);
});

test("a gallery's definitions and a definition's versions are sortable, filterable grids", async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  const url = env.server.url;
  await openExampleGallery(page, url);
  const definitions = blade(page, 'ContosoImages').getByRole('table', { name: 'List of definitions' });
  const names = async (grid) => grid.locator('[role=row]:not(.browse-head) [role=cell]:first-child button').allTextContents();
  await definitions.getByRole('button', { name: 'ubuntu-22' }).waitFor();
  assert.deepEqual(await names(definitions), ['appliance', 'ubuntu-22']);
  await definitions.getByRole('columnheader', { name: /Name/ }).getByRole('button').click();
  assert.deepEqual(await names(definitions), ['ubuntu-22', 'appliance']);
  assert.equal(await definitions.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort'), 'descending');
  // Versions sort as numbers of versions, not as text.
  await definitions.getByRole('columnheader', { name: /Versions/ }).getByRole('button').click();
  assert.deepEqual(await names(definitions), ['appliance', 'ubuntu-22']);
  await blade(page, 'ContosoImages').getByLabel('Filter definitions').fill('ubuntu');
  assert.deepEqual(await names(definitions), ['ubuntu-22']);
  await blade(page, 'ContosoImages').getByText('Showing 1 of 2 definitions').waitFor();

  // The definition's versions: newest first, the one `latest` resolves to badged.
  await definitions.getByRole('button', { name: 'ubuntu-22' }).click();
  const page2 = blade(page, 'ubuntu-22');
  const versions = page2.getByRole('table', { name: 'List of versions' });
  await versions.getByRole('button', { name: '1.1.0' }).waitFor();
  assert.deepEqual(await names(versions), ['1.1.0', '1.0.0']);
  const latestRow = versions.getByRole('row').filter({ has: page.getByRole('button', { name: '1.1.0' }) });
  await latestRow.getByText('Latest', { exact: true }).waitFor();
  assert.match(await latestRow.textContent(), /Succeeded.*Completed/);
  assert.equal(await versions.getByText('Latest', { exact: true }).count(), 1);
  await page2.getByLabel('Replication state').selectOption('Completed');
  await page2.getByText('Showing 2 of 2 versions').waitFor();
  await page2.getByLabel('Filter versions').fill('1.0.0');
  assert.deepEqual(await names(versions), ['1.0.0']);
  await versions.getByRole('button', { name: '1.0.0' }).click();
  await blade(page, '1.0.0').getByRole('navigation', { name: '1.0.0 menu' }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('the Activity log and the notifications survive a reload, and the log is in the export', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  const url = env.server.url;
  await createGallery(page, url, 'keptGallery');
  const wizard = await fillDefinition(page, 'keptGallery', 'kept-def', ['Contoso', 'Kept', 'Sku']);
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, 'kept-def').waitFor();
  // A refusal: the gallery still holds its definition.
  await page.goto(`${url}#/galleries`);
  const list = blade(page, 'Azure compute galleries');
  await list.getByRole('checkbox', { name: 'Select keptGallery' }).check();
  await list.getByRole('button', { name: 'Delete (1)' }).click();
  await list.getByRole('button', { name: 'Yes, delete' }).click();
  await page.locator('.toasts').getByText('Request refused').waitFor();

  await page.reload();
  await page.goto(`${url}#/activity`);
  const log = blade(page, 'Activity log');
  const rows = log.getByRole('table', { name: 'Activity' }).getByRole('row');
  await log.getByLabel('Search operations').fill('keptGallery');
  await rows.filter({ hasText: 'DeleteGallery' }).filter({ hasText: 'Failed' }).waitFor();
  await rows.filter({ hasText: 'CreateGallery' }).filter({ hasText: 'Succeeded' }).waitFor();
  await rows.filter({ hasText: 'CreateImage' }).filter({ hasText: 'Succeeded' }).waitFor();
  // The bell still lists them, and nothing old pops up as a toast.
  assert.equal(await page.locator('.toasts').textContent(), '');
  await page.getByRole('button', { name: /^Notifications/ }).click();
  const panel = page.getByRole('region', { name: 'Notifications' });
  await panel.getByText('Request refused').waitFor();
  await panel.getByText(/Created VM image definition kept-def/).waitFor();

  await page.goto(`${url}#/export-import`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    blade(page, 'Export and import').getByRole('button', { name: 'Export to file' }).click(),
  ]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  const refusal = exported.activityLog.find((e) => e.operationName.value === 'DeleteGallery');
  assert.equal(refusal.status.value, 'Failed');
  assert.equal(refusal.level, 'Error');
  assert.match(refusal.resourceId, /galleries\/keptGallery$/);
  assert.match(refusal.eventTimestamp, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a resource's resource group opens as its own page, with the group's resources", async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  const url = env.server.url;
  await openExampleGallery(page, url);
  await essential(page, 'ContosoImages', 'Resource group').getByRole('button', { name: 'rg-images' }).click();
  const group = blade(page, 'rg-images');
  await group.getByRole('navigation', { name: 'rg-images menu' }).waitFor();
  assert.deepEqual(await menuItems(page, 'rg-images'), ['Overview', 'Activity log', 'Access control (IAM)']);
  assert.equal(await essential(page, 'rg-images', 'Subscription').getByRole('button').textContent(), 'Contoso Images');
  assert.equal(await essential(page, 'rg-images', 'Location').textContent(), 'West US');
  // Its resources, and only its: the gallery, its definitions and versions, not Fabrikam's.
  const list = group.getByRole('table', { name: 'List of resources' });
  await list.getByRole('button', { name: 'ContosoImages', exact: true }).waitFor();
  await group.getByText('Showing 6 of 6 resources').waitFor();
  assert.equal(await list.getByRole('button', { name: /FabrikamApps/ }).count(), 0);
  assert.equal(await group.getByLabel('Resource group').count(), 0, 'no resource group filter inside a group');
  await group.getByLabel('Type').selectOption('VM image version');
  await group.getByText('Showing 3 of 6 resources').waitFor();
  // Its IAM, and the page survives a reload (a deep link).
  await choose(page, 'rg-images', 'Access control (IAM)');
  await group.getByRole('tab', { name: 'Role assignments' }).waitFor();
  await page.reload();
  await blade(page, 'rg-images').getByRole('navigation', { name: 'rg-images menu' }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('raising a region\'s replica count replicates on the clock; lowering it is immediate', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  const url = env.server.url;
  await importExample(page, url);
  const version = '/subscriptions/2b7e1c4d-9a3f-4b8e-8c2d-5f6a7b8c9d0e/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/ContosoImages/images/ubuntu-22/versions/1.1.0';
  await page.goto(`${url}#/home/replication:${encodeURIComponent(version)}`);
  const replication = blade(page, 'Replication');
  const clock = page.getByRole('group', { name: 'Simulation clock' });
  await clock.getByRole('button', { name: 'Pause' }).click();
  const westUs = replication.getByRole('table', { name: 'Target regions', exact: true }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'West US' }) });
  await westUs.getByText('Completed').waitFor();

  await replication.getByLabel('Replica count in West US').fill('3');
  await replication.getByRole('button', { name: 'Save target regions' }).click();
  await westUs.getByText('Replicating').waitFor();
  for (let i = 0; i < 12 && (await westUs.getByText('Completed').count()) === 0; i += 1) {
    await clock.getByRole('button', { name: 'Step 5 min' }).click();
  }
  await westUs.getByText('Completed').waitFor();

  await replication.getByLabel('Replica count in West US').fill('1');
  await replication.getByRole('button', { name: 'Save target regions' }).click();
  await westUs.getByRole('cell', { name: '1', exact: true }).waitFor();
  assert.equal(await westUs.getByText('Completed').count(), 1, 'fewer replicas: nothing to copy');
  assert.deepEqual(errors, []);
  await page.close();
});

test('"Move" on a gallery says, before anything is sent, that a gallery cannot move and what to do instead', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await openExampleGallery(page, env.server.url);
  const gallery = blade(page, 'ContosoImages');
  await gallery.getByRole('toolbar', { name: 'Resource actions' }).getByRole('button', { name: 'Move', exact: true }).click();
  const form = gallery.getByRole('form', { name: 'Move' });
  await form.getByLabel('Resource group').waitFor();
  await form.getByRole('alert').filter({ hasText: /Resource move is not supported for resource types 'Microsoft\.Compute\/galleries'.*replicate the image versions/ }).waitFor();
  assert.equal(await form.getByRole('button', { name: 'Move', exact: true }).isDisabled(), true);
  await form.getByRole('button', { name: 'Cancel' }).click();
  await form.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await page.close();
});
