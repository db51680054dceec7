// Above and against role assignments: a management group holding Contoso's
// subscription, a role assigned there and inherited down to the gallery (Check
// access says from where), and a deny assignment brought in by a state file
// (Azure creates them; users only read them) that wins over the Owner's role.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blade, importExample, newPage, ROOT, usePortal } from './support.mjs';

const env = usePortal();

const CONTOSO_SUB = '2b7e1c4d-9a3f-4b8e-8c2d-5f6a7b8c9d0e';
const GALLERY = `/subscriptions/${CONTOSO_SUB}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/ContosoImages`;

/** Check access at `scope` for `principal`: the row of `action`. */
async function checkAccess(page, scope, principal, action) {
  await page.goto(`${env.server.url}#/${encodeURIComponent(`iam:${scope}`).replace(/%3A/g, ':')}`);
  const iam = blade(page, 'Access control (IAM)');
  await iam.getByRole('tab', { name: 'Check access' }).click();
  const picker = iam.getByLabel('Principal', { exact: true });
  const option = picker.locator('option', { hasText: principal }).first();
  await picker.selectOption(await option.getAttribute('value'));
  const row = iam.getByRole('table', { name: 'Effective permissions' }).getByRole('row').filter({ has: page.getByText(action, { exact: true }) });
  await row.waitFor();
  return { iam, row };
}

test('a role assigned at a management group is inherited by the subscription below it, and Check access says from where', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await importExample(page, env.server.url);
  await page.goto(`${env.server.url}#/subscriptions`);
  const subs = blade(page, 'Subscriptions and resource groups');
  const groups = subs.getByRole('table', { name: 'Management groups' });
  await groups.getByRole('cell', { name: 'Tenant Root Group (Contoso)', exact: true }).waitFor();

  // Before: nothing Bob holds comes from a management group.
  const before = await checkAccess(page, GALLERY, 'Bob Builder', 'Microsoft.Compute/galleries/read');
  assert.doesNotMatch(await before.row.textContent(), /Management group/);

  await page.goto(`${env.server.url}#/subscriptions`);
  // No group yet: nothing to place a subscription in, and the blade says what to do.
  await subs.getByText('Create a management group to place subscriptions in it.').waitFor();
  assert.equal(await subs.getByRole('form', { name: 'Add subscription to a management group' }).count(), 0);
  const create = subs.getByRole('form', { name: 'Create management group' });
  await create.getByLabel('Directory').selectOption({ label: 'Contoso' });
  await create.getByLabel('Management group ID').fill('bad name');
  await create.getByRole('button', { name: 'Create management group' }).click();
  await create.getByRole('alert').filter({ hasText: "The management group name 'bad name' is invalid" }).waitFor();
  await create.getByLabel('Management group ID').fill('Platform');
  await create.getByLabel('Management group display name').fill('Contoso Platform');
  await create.getByRole('button', { name: 'Create management group' }).click();
  await groups.getByRole('cell', { name: 'Contoso Platform', exact: true }).waitFor();

  const place = subs.getByRole('form', { name: 'Add subscription to a management group' });
  await place.getByLabel('Management group').selectOption({ label: 'Contoso Platform' });
  await place.getByLabel('Subscription').selectOption({ label: 'Contoso Images' });
  await place.getByRole('button', { name: 'Add subscription' }).click();
  const platformRow = groups.getByRole('row', { name: /Contoso Platform/ });
  await platformRow.getByText('Contoso Images').waitFor();

  // Reader for Bob at the group, from the group's IAM.
  await platformRow.getByRole('button', { name: 'Access control (IAM) of Contoso Platform' }).click();
  const iam = blade(page, 'Access control (IAM)');
  await iam.getByText('Scope: Platform (Management group)').waitFor();
  await iam.getByRole('button', { name: '+ Add role assignment' }).click();
  const wizard = blade(page, 'Add role assignment');
  await wizard.getByRole('radio', { name: 'Reader', exact: true }).check();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('combobox', { name: 'Member' }).fill('Bob Builder');
  await wizard.getByRole('option').filter({ hasText: 'Bob Builder' }).first().click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByText('Validation passed').waitFor();
  await wizard.getByRole('button', { name: 'Review + assign' }).click();
  await iam.getByRole('cell', { name: 'Reader', exact: true }).first().waitFor();

  // Check access at the gallery: allowed, inherited from the management group.
  const after = await checkAccess(page, GALLERY, 'Bob Builder', 'Microsoft.Compute/galleries/read');
  await after.row.getByText('Allowed', { exact: true }).waitFor();
  assert.match(await after.row.textContent(), /Reader \(inherited from Platform \(Management group\)\)/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a deny assignment from a state file wins over the Owner\'s role, and the IAM blade lists it read-only', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  const state = JSON.parse(readFileSync(join(ROOT, 'examples', 'state', 'contoso-fabrikam.json'), 'utf8'));
  state.denyAssignments = [{
    name: '7d1e4c2a-0000-4000-8000-000000000001',
    properties: {
      denyAssignmentName: 'Deployment stack: protect images',
      description: 'Created by a deployment stack with denySettings DenyDelete.',
      permissions: [{ actions: ['*/delete'], notActions: [] }],
      scope: `/subscriptions/${CONTOSO_SUB}/resourceGroups/rg-images`,
      principals: [{ id: '00000000-0000-0000-0000-000000000000', type: 'SystemDefined' }],
      excludePrincipals: [],
      isSystemProtected: true,
    },
  }];
  const file = join(mkdtempSync(join(tmpdir(), 'sig-deny-')), 'with-deny.json');
  writeFileSync(file, JSON.stringify(state));
  await page.goto(`${env.server.url}#/export-import`);
  const io = blade(page, 'Export and import');
  await io.getByLabel('State file').setInputFiles(file);
  await io.getByText(/Imported: \d+ galleries/).waitFor();

  // The admin owns the subscription, yet deleting the gallery is denied, and why.
  const { iam, row } = await checkAccess(page, GALLERY, 'admin', 'Microsoft.Compute/galleries/delete');
  await row.getByText('Denied', { exact: true }).waitFor();
  assert.match(await row.textContent(), /Denied by deny assignment 'Deployment stack: protect images' \(inherited from rg-images \(Resource group\)\), which wins over any role\. .*Owner/);
  // Writes are not denied.
  const write = iam.getByRole('table', { name: 'Effective permissions' }).getByRole('row').filter({ has: page.getByText('Microsoft.Compute/galleries/write', { exact: true }) });
  assert.match(await write.textContent(), /Allowed/);
  // The Deny assignments tab lists it, with no way to change it.
  await iam.getByRole('tab', { name: 'Deny assignments' }).click();
  const list = iam.getByRole('table', { name: 'Deny assignments' });
  const deny = list.getByRole('row', { name: /Deployment stack: protect images/ });
  await deny.waitFor();
  assert.match(await deny.textContent(), /\*\/delete.*Everyone.*rg-images \(inherited\)/);
  assert.equal(await deny.getByRole('button').count(), 0);
  // Delete on the gallery's page is refused by the core with Azure's deny message.
  await page.goto(`${env.server.url}#/home/resource:${encodeURIComponent(GALLERY)}`);
  const gallery = blade(page, 'ContosoImages');
  const del = gallery.getByRole('toolbar', { name: 'Resource actions' }).getByRole('button', { name: 'Delete', exact: true });
  assert.equal(await del.isDisabled(), true, 'the core refuses it, so the command is disabled');
  assert.match(await del.getAttribute('title'), /however, the access is denied because of the deny assignment with name 'Deployment stack: protect images'/);
  assert.deepEqual(errors, []);
  await page.close();
});
