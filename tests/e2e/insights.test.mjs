// Access control, replication on the simulation clock, the deploy planner,
// cost, templates and the activity log, as a person uses them: every
// control found by its role and label; every verdict the core's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, blade, createGallery as createGalleryAt, fillDefinition, importExample, newPage, usePortal } from './support.mjs';

const env = usePortal();
const topbar = (page) => page.getByRole('group', { name: 'Signed-in identity' });
const clock = (page) => page.getByRole('group', { name: 'Simulation clock' });

const createGallery = (page, name) => createGalleryAt(page, env.server.url, name);

async function createDefinition(page, gallery, name, identifier) {
  const wizard = await fillDefinition(page, gallery, name, identifier);
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, name).waitFor();
}

async function createSource(page, name) {
  await page.goto(`${env.server.url}#/sources`);
  const sources = blade(page, 'Image sources (simulated)');
  await sources.getByLabel('Source name').fill(name);
  await sources.getByLabel('Region').selectOption('eastus');
  await sources.getByRole('button', { name: 'Add source' }).click();
  await sources.getByRole('cell', { name }).waitFor();
}

async function createVersion(page, definition, version, source) {
  await blade(page, definition).getByRole('button', { name: '+ Add version' }).click();
  const wizard = blade(page, 'Create a VM image version');
  await wizard.getByLabel('Version number').fill(version);
  await wizard.getByLabel('Source').selectOption({ label: `Managed image: ${source} (East US)` });
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByText('Validation passed').waitFor();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, version).waitFor();
}

const SUB = '2b7e1c4d-9a3f-4b8e-8c2d-5f6a7b8c9d0e';
const galleryId = (g) => `/subscriptions/${SUB}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/${g}`;
const resourceUrl = (id) => `${env.server.url}#/${encodeURIComponent(`resource:${id}`).replace(/%3A/g, ':')}`;

/** Two galleries, each with a definition and a version, from the first-run state. */
async function publishImages(page) {
  await createSource(page, 'base-image');
  await createGallery(page, 'sharedGallery');
  await createDefinition(page, 'sharedGallery', 'web', ['Contoso', 'Web', 'Ubuntu']);
  await createVersion(page, 'web', '1.0.0', 'base-image');
  await createGallery(page, 'privateGallery');
  await createDefinition(page, 'privateGallery', 'db', ['Contoso', 'Db', 'Ubuntu']);
  await createVersion(page, 'db', '1.0.0', 'base-image');
}

async function addRoleAssignment(page, scopeBlade, role, member) {
  const iamOpen = blade(page, 'Access control (IAM)');
  await scopeBlade.getByRole('button', { name: 'Access control (IAM)' }).click();
  await iamOpen.getByRole('button', { name: '+ Add role assignment' }).click();
  const wizard = blade(page, 'Add role assignment');
  await wizard.getByRole('radio', { name: role, exact: true }).check();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('combobox', { name: 'Member' }).fill(member);
  // The guest object in the scope's tenant, not the home user in theirs.
  await wizard.getByRole('option').filter({ hasText: member }).filter({ hasText: 'Guest ·' }).click();
  await wizard.getByText(`Selected member: ${member}`).waitFor();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByText('Validation passed').waitFor();
  await wizard.getByRole('button', { name: 'Review + assign' }).click();
  // The notification speaks in names, not object ids.
  await page.getByRole('status').filter({ hasText: new RegExp(`^${role} assigned to ${member} on `) }).waitFor();
  await iamOpen.getByRole('cell', { name: role, exact: true }).first().waitFor();
}

test('share a gallery and a definition with a guest from another tenant; signed in as the guest, see exactly what the matrix allows', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await page.goto(`${env.server.url}#/subscriptions`);
  const subs = blade(page, 'Subscriptions and resource groups');
  await subs.getByLabel('Tenant name').fill('Fabrikam');
  await subs.getByLabel('Tenant ID').fill('4b0a4b57-33a1-4c1d-9d43-6c1f3b2a0f10');
  await subs.getByRole('button', { name: 'Add tenant' }).click();
  await subs.getByRole('cell', { name: 'Fabrikam', exact: true }).waitFor();
  // The subscription's IAM: its creator is its Owner.
  await subs.getByRole('button', { name: 'Access control (IAM) of Contoso Images' }).click();
  const subIam = blade(page, 'Access control (IAM)');
  const owner = subIam.getByRole('table', { name: 'Role assignments' }).getByRole('row').filter({ hasText: 'Owner' });
  assert.match(await owner.textContent(), /Contoso Admin.*User.*This resource/);

  // Carol lives in Fabrikam; Contoso invites her as a guest.
  await page.goto(`${env.server.url}#/directory`);
  const dir = blade(page, 'Directory (simulated)');
  const newUser = dir.getByRole('form', { name: 'Add a user' });
  await newUser.getByLabel("User's tenant").selectOption({ label: 'Fabrikam' });
  await newUser.getByLabel('User principal name').fill('carol@fabrikam.com');
  await newUser.getByLabel('Display name').fill('Carol Consumer');
  await newUser.getByRole('button', { name: 'Create user' }).click();
  await dir.getByRole('cell', { name: 'carol@fabrikam.com', exact: true }).waitFor();
  const invite = dir.getByRole('form', { name: 'Invite a guest' });
  await invite.getByLabel('Inviting tenant').selectOption({ label: 'Contoso' });
  await invite.getByLabel("Guest's user principal name").fill('carol@fabrikam.com');
  await invite.getByRole('button', { name: 'Invite' }).click();
  await dir.getByRole('cell', { name: 'Guest', exact: true }).waitFor();

  await publishImages(page);

  // Share the whole shared gallery, and only the db definition of the private one.
  await page.goto(resourceUrl(galleryId('sharedGallery')));
  await addRoleAssignment(page, blade(page, 'sharedGallery'), 'Reader', 'Carol Consumer');
  const iam = blade(page, 'Access control (IAM)');
  await iam.getByRole('region', { name: 'Sharing matrix' }).getByText(/Share at the gallery level/).waitFor();
  await page.goto(resourceUrl(`${galleryId('privateGallery')}/images/db`));
  await addRoleAssignment(page, blade(page, 'db'), 'Compute Gallery Image Reader', 'Carol Consumer');

  // Check access explains Carol's access to the private definition's version.
  await page.goto(resourceUrl(`${galleryId('privateGallery')}/images/db/versions/1.0.0`));
  await blade(page, '1.0.0').getByRole('button', { name: 'Access control (IAM)' }).click();
  await iam.getByRole('tab', { name: 'Check access' }).click();
  const carolOption = iam.getByLabel('Principal', { exact: true }).locator('option', { hasText: 'Carol Consumer' }).filter({ hasText: '· Guest ·' });
  await iam.getByLabel('Principal', { exact: true }).selectOption(await carolOption.getAttribute('value'));
  const permissions = iam.getByRole('table', { name: 'Effective permissions' });
  const row = (action) => permissions.getByRole('row').filter({ has: page.getByRole('cell', { name: action, exact: true }) });
  const versionRead = row('Microsoft.Compute/galleries/images/versions/read');
  assert.match(await versionRead.textContent(), /Allowed.*Compute Gallery Image Reader \(inherited from db/);
  const galleryRead = row('Microsoft.Compute/galleries/read');
  assert.match(await galleryRead.textContent(), /Denied/);

  // Sign in as Carol (her home directory is Fabrikam; her guest object is in Contoso).
  const account = topbar(page).getByRole('button', { expanded: false });
  await account.click();
  const switcher = page.getByRole('dialog', { name: 'Switch directory or account' });
  await switcher.getByLabel('Directory').selectOption({ label: 'Fabrikam' });
  await switcher.getByLabel('Signed in as').selectOption('carol@fabrikam.com');
  await switcher.getByLabel('Signed in as').press('Escape');
  await switcher.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'account-button', 'the focus is back on the button');
  // The account button says who, in full, and where.
  assert.match(await account.textContent(), /^Carol.*Fabrikam$/i);

  // The planner lists exactly what she may read: the shared gallery's definition
  // and version, the private gallery's db definition and version.
  await page.goto(`${env.server.url}#/deploy`);
  const planner = blade(page, 'Deploy planner');
  // The list follows the sign-in through memos: wait for it to have settled, then read it.
  await planner.getByLabel('Image').locator('option', { hasText: 'sharedGallery/web/1.0.0' }).waitFor({ state: 'attached' });
  const images = await planner.getByLabel('Image').locator('option').allTextContents();
  assert.deepEqual(images.sort(), [
    'privateGallery/db (latest)', 'privateGallery/db/1.0.0',
    'sharedGallery/web (latest)', 'sharedGallery/web/1.0.0',
  ]);
  // The managed images the versions were made from sit in Contoso's resource
  // group, where Carol has no role: she does not see them.
  await page.goto(`${env.server.url}#/sources`);
  const sourceRows = blade(page, 'Image sources (simulated)').getByRole('table').first().getByRole('row');
  assert.equal(await sourceRows.count(), 1, 'only the header row');
  // Her tenants, and Contoso's subscription (she holds roles within it), but
  // not its resource group, where she has none.
  await page.goto(`${env.server.url}#/subscriptions`);
  await subs.getByRole('region', { name: /^Subscriptions \(/ }).getByRole('cell', { name: 'Contoso Images', exact: true }).waitFor();
  const firstColumn = (n) => subs.getByRole('table').nth(n).locator('tbody tr td:first-child').allTextContents();
  assert.deepEqual(await firstColumn(0), ['Fabrikam', 'Contoso']);
  assert.deepEqual(await firstColumn(1), ['Contoso Images']);
  assert.deepEqual(await firstColumn(2), []);

  // "All resources" lists exactly the same, across subscriptions.
  await page.goto(`${env.server.url}#/resources`);
  const all = blade(page, 'All resources');
  await all.getByText('Showing 5 of 5 resources').waitFor();
  const listed = await all.getByRole('table', { name: 'List of resources' }).getByRole('row').allTextContents();
  for (const name of ['sharedGallery', 'sharedGallery/web', 'sharedGallery/web/1.0.0', 'privateGallery/db', 'privateGallery/db/1.0.0']) {
    assert.ok(listed.some((row) => row.includes(name)), `${name} is listed`);
  }
  assert.ok(!listed.some((row) => /privateGallery\s*Azure compute gallery/.test(row)), 'the private gallery itself is not listed');

  // Matrix: shared at a definition = the definition and its versions, not the gallery.
  await page.goto(resourceUrl(galleryId('privateGallery')));
  await blade(page, 'privateGallery').getByText("You don't have access").waitFor();
  await page.goto(resourceUrl(`${galleryId('privateGallery')}/images/db`));
  await blade(page, 'db').getByRole('heading', { name: 'Essentials' }).waitFor();
  // Shared at the gallery = the gallery too.
  await page.goto(resourceUrl(galleryId('sharedGallery')));
  const shared = blade(page, 'sharedGallery');
  await shared.getByRole('heading', { name: 'Essentials' }).waitFor();
  // A reader may not change it: the actions are disabled with the core's reason.
  const edit = shared.getByRole('button', { name: 'Edit' });
  assert.equal(await edit.isDisabled(), true);
  assert.match(await edit.getAttribute('title'), /does not have authorization to perform action 'Microsoft\.Compute\/galleries\/write'/);
  await shared.getByRole('button', { name: 'Access control (IAM)' }).click();
  const add = iam.getByRole('button', { name: '+ Add role assignment' });
  assert.equal(await add.isDisabled(), true);
  assert.match(await add.getAttribute('title'), /roleAssignments\/write/);

  // In Contoso's directory she is a guest: she sees that, and nothing else of it.
  // In Fabrikam, her home, she is a member user and sees its directory.
  await page.goto(`${env.server.url}#/directory`);
  await dir.getByRole('cell', { name: 'Carol Consumer', exact: true }).first().waitFor();
  const directoryRows = await dir.getByRole('table', { name: 'Directory objects' }).locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].slice(0, 3).map((td) => td.textContent)));
  assert.deepEqual(directoryRows.filter(([tenant]) => tenant === 'Contoso'), [['Contoso', 'Guest', 'Carol Consumer']]);
  assert.ok(directoryRows.some(([tenant, type, name]) => tenant === 'Fabrikam' && type === 'User' && name === 'Carol Consumer'));

  // The activity log has every command she may see, with who ran it: reading
  // it at a scope needs Microsoft.Insights/eventtypes/values/read there.
  // Reader of the shared gallery has it (*/read); Compute Gallery Image Reader
  // of db does not, so nothing done in db is shown to her, not even its creation.
  await page.goto(`${env.server.url}#/activity`);
  const log = blade(page, 'Activity log');
  await log.getByLabel('Search operations').fill('CreateRoleAssignment');
  const rows = log.getByRole('table', { name: 'Activity' }).getByRole('row');
  assert.equal(await rows.count(), 2, 'a header and the shared gallery\'s assignment');
  assert.match(await rows.nth(1).textContent(), /Succeeded.*admin@contoso\.onmicrosoft\.com.*galleries\/sharedGallery\/providers\/Microsoft\.Authorization\/roleAssignments/);
  await log.getByLabel('Search operations').fill('CreateGallery');
  assert.equal(await rows.count(), 2, 'a header and the shared gallery');
  assert.match(await rows.nth(1).textContent(), /galleries\/sharedGallery/);
  for (const operation of ['CreateImage', 'CreateVersion']) {
    await log.getByLabel('Search operations').fill(operation);
    assert.equal(await rows.count(), 2, `a header and the shared gallery's ${operation}`);
    assert.match(await rows.nth(1).textContent(), /sharedGallery\/images\/web/);
  }
  // Directory changes are Entra audit events, read by member users: her own
  // user's creation in Fabrikam, not Contoso's invitation of her as a guest.
  await log.getByLabel('Search operations').fill('CreateUser');
  assert.equal(await rows.count(), 2, 'a header and the creation of her user in Fabrikam');
  assert.match(await rows.nth(1).textContent(), /carol@fabrikam\.com/);
  await log.getByLabel('Search operations').fill('InviteGuest');
  assert.equal(await rows.count(), 1, 'only the header');
  assert.deepEqual(errors, []);
  await page.close();
});

test('replicate to a zone region with Standard_ZRS on the clock; the deploy planner refuses the region until it completes', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await page.goto(`${env.server.url}#/home`);
  await createSource(page, 'zrs-base');
  await createGallery(page, 'zoneGallery');
  await createDefinition(page, 'zoneGallery', 'app', ['Contoso', 'App', 'Ubuntu']);
  await createVersion(page, 'app', '2.0.0', 'zrs-base');
  const versionId = `${galleryId('zoneGallery')}/images/app/versions/2.0.0`;
  // Stop the clock: from here on only "Step" moves it.
  await clock(page).getByRole('button', { name: 'Pause' }).click();
  const time = clock(page).getByLabel('Simulation time');
  const minutes = (text) => { const [, h, m] = /(\d\d):(\d\d):\d\d UTC/.exec(text); return Number(h) * 60 + Number(m); };
  const before = minutes(await time.textContent());
  await page.waitForTimeout(1200);
  assert.equal(minutes(await time.textContent()), before, 'paused: the clock stands still');
  await clock(page).getByRole('button', { name: 'Step 5 min' }).click();
  assert.equal((minutes(await time.textContent()) - before + 1440) % 1440, 5);

  // Not replicated to East US 2: the planner refuses, with Azure's reason.
  await page.goto(`${env.server.url}#/${encodeURIComponent(`deploy:${versionId}`).replace(/%3A/g, ':')}`);
  const planner = blade(page, 'Deploy planner');
  await planner.getByLabel('Deployment region').selectOption('eastus2');
  await planner.getByLabel('Instance count').fill('45');
  const verdict = planner.getByRole('status', { name: 'Deployment verdict' });
  await verdict.getByText('Refused', { exact: true }).waitFor();
  assert.match(await planner.getByRole('list', { name: 'Reasons' }).textContent(), /not available in eastus2 region/);
  // 45 concurrent VMs: ⌈45 / 20⌉ = 3 replicas.
  await planner.getByText('Recommended replicas: 3').waitFor();

  // Add East US 2 with zone-redundant storage in the grid; the az command follows, read-only.
  await page.goto(resourceUrl(versionId));
  await blade(page, '2.0.0').getByRole('button', { name: 'Replication' }).click();
  const replication = blade(page, 'Replication');
  const az = replication.locator('.az-command code');
  assert.match(await az.textContent(), /--target-regions eastus=1=standard_lrs$/);
  await replication.getByLabel('Region to add').selectOption('eastus2');
  await replication.getByLabel('Storage type to add').selectOption('standard_zrs');
  await replication.getByRole('button', { name: '+ Add region' }).click();
  assert.match(await az.textContent(), /--target-regions eastus=1=standard_lrs eastus2=1=standard_zrs$/);
  const grid = replication.getByRole('table', { name: 'Target regions to replicate to' });
  assert.equal(await grid.getByLabel('Storage type in East US 2').inputValue(), 'standard_zrs');
  await replication.getByRole('button', { name: 'Save target regions' }).click();
  const status = replication.getByRole('table', { name: 'Target regions', exact: true });
  const row = status.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'East US 2' }) });
  await row.getByRole('cell', { name: 'Standard_ZRS' }).waitFor();
  const progress = replication.getByRole('progressbar', { name: 'Replication progress in East US 2' });
  const seen = [Number(await progress.getAttribute('value'))];
  assert.match(await row.textContent(), /Replicating|Unknown/);
  // Play at 60×: a 30 GiB image reaches a region ~400 km away in a few simulated minutes.
  await clock(page).getByLabel('Speed').selectOption('60');
  await clock(page).getByRole('button', { name: 'Play' }).click();
  for (let i = 0; i < 300 && !/Completed/.test(await row.textContent()); i += 1) {
    await page.waitForTimeout(100);
    seen.push(Number(await progress.getAttribute('value')));
  }
  await clock(page).getByRole('button', { name: 'Pause' }).click();
  assert.match(await row.textContent(), /Completed/);
  // Sampled again once the row says Completed: the last sample in the loop may predate it.
  seen.push(Number(await progress.getAttribute('value')));
  assert.equal(seen.at(-1), 100);
  assert.ok(seen.some((p) => p > 0 && p < 100), `progress was seen between start and end: ${seen}`);
  assert.deepEqual([...seen].sort((a, b) => a - b), seen, 'progress never goes backwards');
  await replication.getByRole('status').filter({ hasText: 'Replication state: Completed' }).waitFor();

  // More replicas than a region holds: the service refuses, the grid keeps the edit, the log says so.
  // Typed key by key: the field keeps focus while the grid follows the draft.
  await grid.getByLabel('Replica count in East US 2').fill('');
  await grid.getByLabel('Replica count in East US 2').pressSequentially('11');
  assert.match(await az.textContent(), /eastus2=11=standard_zrs$/);
  await replication.getByRole('button', { name: 'Save target regions' }).click();
  await replication.getByRole('alert').filter({ hasText: 'The value 11 of parameter' }).waitFor();
  assert.equal(await grid.getByLabel('Replica count in East US 2').inputValue(), '11');

  // Remove asks first; "No" keeps the region, "Yes, remove" removes it.
  await grid.getByRole('button', { name: 'Remove East US 2' }).click();
  const confirm = replication.getByRole('alertdialog', { name: 'Confirm remove' });
  await confirm.getByRole('button', { name: 'No' }).click();
  assert.equal(await confirm.count(), 0);
  assert.equal(await grid.getByRole('rowheader', { name: 'East US 2' }).count(), 1);
  await page.goto(`${env.server.url}#/activity`);
  const log = blade(page, 'Activity log');
  await log.getByLabel('Status').selectOption('Failed');
  const failed = log.getByRole('table', { name: 'Activity' }).getByRole('row').nth(1);
  assert.match(await failed.textContent(), /UpdateVersion.*Failed.*admin@contoso\.onmicrosoft\.com.*versions\/2\.0\.0.*The value 11 of parameter/);

  // Completed: the same deployment is now allowed, and the planner's advice applies.
  await page.goto(`${env.server.url}#/${encodeURIComponent(`deploy:${versionId}`).replace(/%3A/g, ':')}`);
  await planner.getByLabel('Deployment region').selectOption('eastus2');
  await planner.getByLabel('Instance count').fill('45');
  await verdict.getByText('Allowed', { exact: true }).waitFor();
  // A trusted launch VM from a definition without that security type: refused, and why.
  await planner.getByLabel('Security type').selectOption('TrustedLaunch');
  await verdict.getByText('Refused', { exact: true }).waitFor();
  assert.match(await planner.getByRole('list', { name: 'Reasons' }).textContent(), /securityType 'TrustedLaunch' can't be created from this image: its definition's SecurityType is 'Standard'/);
  await planner.getByLabel('Security type').selectOption('Standard');
  await verdict.getByText('Allowed', { exact: true }).waitFor();
  await planner.getByRole('button', { name: 'Apply recommendation' }).click();
  await verdict.getByText('Replicas of that version in the region: 3').waitFor();

  // Removing the region, confirmed, removes it from the version.
  await page.goto(`${env.server.url}#/${encodeURIComponent(`replication:${versionId}`).replace(/%3A/g, ':')}`);
  assert.equal(await grid.getByLabel('Replica count in East US 2').inputValue(), '3');
  await grid.getByRole('button', { name: 'Remove East US 2' }).click();
  await confirm.getByRole('button', { name: 'Yes, remove' }).click();
  await status.getByRole('rowheader', { name: 'East US 2' }).waitFor({ state: 'detached' });
  assert.equal(await grid.getByRole('rowheader', { name: 'East US 2' }).count(), 0);
  assert.match(await az.textContent(), /--target-regions eastus=1=standard_lrs$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('export a gallery as an ARM template, re-import it into an empty state: the same template comes out', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await page.goto(`${env.server.url}#/home`);
  await createSource(page, 'tpl-base');
  await createGallery(page, 'tplGallery');
  await createDefinition(page, 'tplGallery', 'svc', ['Contoso', 'Svc', 'Debian']);
  await createVersion(page, 'svc', '1.0.0', 'tpl-base');

  const exportTemplate = async () => {
    await page.goto(`${env.server.url}#/templates`);
    const templates = blade(page, 'Export template');
    await templates.getByLabel('Find resources').fill('tplGallery');
    await templates.getByLabel('tplGallery', { exact: true }).check();
    await templates.getByText('3 resource(s) exported.').waitFor();
    return {
      template: await templates.getByLabel('ARM template').textContent(),
      script: await templates.getByLabel('Azure CLI script').textContent(),
    };
  };
  const first = await exportTemplate();
  assert.match(first.script, /az sig create --resource-group "\$RG" --gallery-name tplGallery/);
  assert.match(first.script, /az sig image-version create .*--managed-image \/subscriptions\/.*\/images\/tpl-base/);
  const template = JSON.parse(first.template);
  assert.deepEqual(template.resources.map((r) => r.type), [
    'Microsoft.Compute/galleries', 'Microsoft.Compute/galleries/images', 'Microsoft.Compute/galleries/images/versions',
  ]);

  // An empty state: the first-run directory, subscription and resource group, and the source image.
  await page.evaluate(() => localStorage.clear());
  await page.goto(`${env.server.url}#/galleries`);
  await page.reload();
  await blade(page, 'Azure compute galleries').getByText('No galleries to display').waitFor();
  await createSource(page, 'tpl-base');

  await page.goto(`${env.server.url}#/templates`);
  const templates = blade(page, 'Export template');
  await templates.getByLabel('ARM JSON', { exact: true }).fill(first.template);
  await templates.getByRole('button', { name: 'Validate' }).click();
  const check = templates.getByRole('table', { name: 'Import check' });
  assert.equal(await check.getByRole('cell', { name: 'Valid', exact: true }).count(), 3);
  await templates.getByRole('button', { name: 'Import 3 valid resource(s)' }).click();
  await check.getByRole('cell', { name: 'Imported', exact: true }).nth(2).waitFor();

  const again = await exportTemplate();
  assert.equal(again.template, first.template);
  assert.equal(again.script, first.script);
  assert.deepEqual(errors, []);
  await page.close();
});

test('figures: IAM and Replication blades with the full-limits state and 10,000 role assignments', async () => {
  const STATE = join(ROOT, 'tests', 'test-results', 'full-limits.json');
  if (!existsSync(STATE)) {
    throw new Error(`${STATE} is missing: cargo run -q -p sig-core --example full_limits_state > ${STATE}`);
  }
  const world = JSON.parse(readFileSync(STATE, 'utf8'));
  const sub = world.subscriptions[0].id;
  const tenant = world.tenants[0].id;
  const rg = `/subscriptions/${sub}/resourceGroups/${world.resourceGroups[0].name}`;
  const hex = (n, width) => n.toString(16).padStart(width, '0');
  // 1,000 users, each a Reader at the subscription, the resource group and 8 galleries.
  const users = Array.from({ length: 1000 }, (_, i) => ({
    '@odata.type': '#microsoft.graph.user', id: `00000000-0000-4000-8000-${hex(i, 12)}`,
    displayName: `Load User ${i}`, userPrincipalName: `user${i}@contoso.example`, userType: 'Member',
  }));
  const scopes = [`/subscriptions/${sub}`, rg, ...world.galleries.slice(0, 8).map((g) => g.id)];
  const reader = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
  const roleAssignments = [];
  scopes.forEach((scope, s) => users.forEach((u, i) => {
    const name = `00000000-0000-4000-9000-${hex(s * 1000 + i, 12)}`;
    roleAssignments.push({
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`, name,
      type: 'Microsoft.Authorization/roleAssignments',
      properties: { roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${reader}`,
        principalId: u.id, principalType: 'User', scope },
    });
  }));
  world.directory = [{ tenantId: tenant, users }];
  world.roleAssignments = roleAssignments;
  const text = JSON.stringify(world);
  const figures = { roleAssignments: roleAssignments.length, stateBytes: Buffer.byteLength(text) };

  const errors = [];
  const page = await newPage(env.browser, errors);
  await page.goto(`${env.server.url}#/home`);
  await blade(page, 'Home').waitFor();
  // Too big for localStorage: it comes in through Import, as a user's file would.
  mkdirSync(join(ROOT, 'tests', 'test-results'), { recursive: true });
  const file = join(ROOT, 'tests', 'test-results', 'insights-state.json');
  writeFileSync(file, text);
  await page.goto(`${env.server.url}#/export-import`);
  let t0 = Date.now();
  await blade(page, 'Export and import').getByLabel('State file').setInputFiles(file);
  await blade(page, 'Export and import').getByText(/Imported:/).waitFor({ timeout: 120_000 });
  figures.importMs = Date.now() - t0;
  const gallery = world.galleries[0];
  const image = gallery.images[0];
  const versionId = `${gallery.id}/images/${image.name}/versions/${image.versions[0].name}`;

  // One interaction: from the event until the DOM is updated and laid out (script + layout).
  const frame = (action) => page.evaluate(async (a) => {
    const find = (text) => [...document.querySelectorAll('button, [role=tab]')].find((b) => b.textContent.trim() === text);
    const t0 = performance.now();
    if (a.click) find(a.click).click();
    if (a.scroll) {
      const list = document.querySelector('.iam-viewport');
      list.scrollTop += a.scroll;
      list.dispatchEvent(new Event('scroll'));
    }
    if (a.type !== undefined) {
      const input = [...document.querySelectorAll('input[type=search]')].at(-1);
      input.value = a.type;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    // The app's reactive work runs in tasks after the event; then force layout.
    await new Promise((r) => setTimeout(r, 0));
    void document.body.offsetHeight;
    return Math.round((performance.now() - t0) * 10) / 10;
  }, action);

  // IAM at a gallery: 3,000 assignments apply there (subscription, resource group, gallery).
  t0 = Date.now();
  await page.goto(`${env.server.url}#/${encodeURIComponent(`iam:${gallery.id}`).replace(/%3A/g, ':')}`);
  const iam = blade(page, 'Access control (IAM)');
  await iam.getByText('3001 role assignment(s)').waitFor({ timeout: 120_000 });
  figures.iamOpenMs = Date.now() - t0;
  const keys = [];
  for (const text of ['l', 'lo', 'loa', 'load user 9', 'load user 99', 'load user 999', '']) keys.push(await frame({ type: text }));
  figures.iamFilterKeystrokeMs = keys;
  // The list is virtualized: scrolling a page (12 rows) or far away renders only the rows that enter.
  figures.iamScrollPageMs = [];
  for (let i = 0; i < 5; i += 1) figures.iamScrollPageMs.push(await frame({ scroll: 480 }));
  figures.iamScrollFarMs = await frame({ scroll: 40_000 });
  assert.ok(await page.evaluate(() => document.querySelectorAll('table[aria-label="Role assignments"] tbody tr').length) <= 40);
  const rowIndexes = await page.evaluate(() => [...document.querySelectorAll('table[aria-label="Role assignments"] tbody tr[aria-rowindex]')].map((r) => Number(r.getAttribute('aria-rowindex'))));
  assert.ok(rowIndexes[0] > 900 && rowIndexes.at(-1) < 3003, `rows ${rowIndexes[0]}..${rowIndexes.at(-1)} after scrolling ~1,000 rows`);
  // ... and those rows cover what the list shows: the row at aria-rowindex i spans
  // [head + (i - 2) × 40, head + (i - 1) × 40) px of the scrolled content, below the header.
  const shown = await page.evaluate(() => {
    const list = document.querySelector('.iam-viewport');
    return { top: list.scrollTop, height: list.clientHeight, head: list.querySelector('thead').offsetHeight };
  });
  const rowAt = (y) => Math.floor((y - shown.head) / 40) + 2;
  const [topRow, bottomRow] = [rowAt(shown.top), rowAt(shown.top + shown.height - 1)];
  assert.ok(rowIndexes.every((r, i) => i === 0 || r === rowIndexes[i - 1] + 1), `rows ${rowIndexes} are contiguous`);
  assert.ok(rowIndexes[0] <= topRow && rowIndexes.at(-1) >= bottomRow,
    `rows ${rowIndexes[0]}..${rowIndexes.at(-1)} cover the visible rows ${topRow}..${bottomRow} (scrollTop ${shown.top}, height ${shown.height})`);
  figures.iamCheckAccessTabMs = await frame({ click: 'Check access' });
  figures.iamAssignmentsTabMs = await frame({ click: 'Role assignments' });
  assert.ok(await page.evaluate(() => document.querySelectorAll('table[aria-label="Role assignments"] tbody tr').length) <= 200);

  // Replication of one of the 10,000 versions.
  await page.goto(`${env.server.url}#/${encodeURIComponent(`replication:${versionId}`).replace(/%3A/g, ':')}`);
  const replication = blade(page, 'Replication');
  await replication.getByRole('status').filter({ hasText: 'Replication state' }).waitFor({ timeout: 60_000 });
  await clock(page).getByRole('button', { name: 'Pause' }).click();
  const steps = [];
  for (let i = 0; i < 5; i += 1) steps.push(await frame({ click: 'Step 5 min' }));
  figures.replicationStepMs = steps;
  figures.replicationAddRegionMs = await frame({ click: '+ Add region' });
  // Saving target regions: the interaction itself (the core applies the update and
  // the blade shows it), then, separately, until the state is persisted.
  const revision = await page.evaluate(() => Number(localStorage.getItem('sig-portal/revision')));
  t0 = Date.now();
  figures.replicationSaveTargetRegionsMs = await frame({ click: 'Save target regions' });
  await replication.getByRole('table', { name: 'Target regions', exact: true }).getByRole('rowheader', { name: 'East US 2' }).waitFor({ timeout: 60_000 });
  await page.waitForFunction((r) => Number(localStorage.getItem('sig-portal/revision')) > r, revision);
  figures.replicationPersistedMs = Date.now() - t0;
  figures.replicationStepAfterSaveMs = await frame({ click: 'Step 5 min' });

  console.log(`figures: ${JSON.stringify(figures)}`);
  mkdirSync(join(ROOT, 'tests', 'test-results'), { recursive: true });
  writeFileSync(join(ROOT, 'tests', 'test-results', 'insights-figures.json'), JSON.stringify(figures, null, 2));
  assert.deepEqual(errors, []);
  await page.close();
});

test('cost per version and region follows an edited price table, which is kept across reloads and tabs', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  const otherTab = await page.context().newPage();
  await page.goto(`${env.server.url}#/home`);
  await createSource(page, 'cost-base');
  await createGallery(page, 'costGallery');
  await createDefinition(page, 'costGallery', 'img', ['Contoso', 'Cost', 'Ubuntu']);
  await createVersion(page, 'img', '1.0.0', 'cost-base');
  await page.goto(`${env.server.url}#/cost`);
  const cost = blade(page, 'Cost');
  const total = cost.getByRole('status').filter({ hasText: 'per month' });
  await total.waitFor();
  const before = await total.textContent();
  assert.match(before, /^Storage [\d.]+ USD per month/);
  await cost.getByRole('img', { name: /Monthly storage cost by region/ }).waitFor();
  await cost.getByRole('table', { name: 'Cost per version and region' }).getByRole('cell', { name: 'East US' }).first().waitFor();
  await otherTab.goto(`${env.server.url}#/cost`);
  await blade(otherTab, 'Cost').getByRole('status').filter({ hasText: before }).waitFor();
  // A 30 GiB OS disk bills as the S4 tier (up to 32 GiB): price it at 100.
  await cost.getByLabel('Standard_LRS S4', { exact: true }).fill('100');
  await cost.getByRole('button', { name: 'Save prices' }).click();
  await total.filter({ hasNotText: before }).waitFor();
  assert.match(await total.textContent(), /^Storage 100\.00 USD per month/);
  // The rows follow the new estimate too, not only the total.
  await cost.getByRole('table', { name: 'Cost per version and region' }).getByRole('cell', { name: '100.00', exact: true }).first().waitFor();
  // The price table is part of the saved state: the other tab follows it without a reload.
  await blade(otherTab, 'Cost').getByRole('status').filter({ hasText: 'Storage 100.00 USD per month' }).waitFor();
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('sig-portal/state')).world.priceTable);
  assert.equal(saved.standardLrsMonthly[0], 100);
  await otherTab.close();
  await page.reload();
  await blade(page, 'Cost').getByRole('status').filter({ hasText: 'Storage 100.00 USD per month' }).waitFor();
  assert.equal(await blade(page, 'Cost').getByLabel('Standard_LRS S4', { exact: true }).inputValue(), '100');
  await blade(page, 'Cost').getByRole('button', { name: 'Reset to defaults' }).click();
  await blade(page, 'Cost').getByRole('status').filter({ hasText: before }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('the IAM member picker searches the directory and invites an external user in place', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await importExample(page, env.server.url);
  await page.goto(`${env.server.url}#/home/iam:${encodeURIComponent(`/subscriptions/${SUB}`)}`);
  const iam = blade(page, 'Access control (IAM)');
  await iam.getByRole('button', { name: '+ Add role assignment' }).click();
  const wizard = blade(page, 'Add role assignment');
  await wizard.getByRole('radio', { name: 'Reader', exact: true }).check();
  await wizard.getByRole('button', { name: 'Next' }).click();

  // Dave is a Fabrikam user: Contoso's directory does not have him yet.
  const picker = wizard.getByRole('combobox', { name: 'Member' });
  await picker.fill('dave');
  assert.equal(await picker.getAttribute('aria-expanded'), 'false', 'no suggestion for a stranger');
  await wizard.getByText('No member selected.').waitFor();

  // Invited in place: the guest is made in Contoso and chosen.
  await wizard.getByRole('button', { name: 'Invite external user' }).click();
  const form = wizard.getByRole('form', { name: 'Invite external user' });
  await form.getByLabel("Guest's user principal name").fill('nobody@nowhere.example');
  await form.getByRole('button', { name: 'Invite' }).click();
  await form.getByText(/does not exist in any directory/).waitFor();
  await form.getByLabel("Guest's user principal name").fill('dave@fabrikam.com');
  await form.getByRole('button', { name: 'Invite' }).click();
  await form.waitFor({ state: 'detached' });
  await wizard.getByText(/^Selected member: Dave Consumer .*· Guest · Contoso$/).waitFor();
  // And the picker finds him now, with the keyboard.
  await picker.fill('dave');
  await wizard.getByRole('option', { name: /Dave Consumer/ }).waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');

  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByText('Validation passed').waitFor();
  await wizard.getByRole('button', { name: 'Review + assign' }).click();
  await page.getByRole('status').filter({ hasText: /^Reader assigned to Dave Consumer on / }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
