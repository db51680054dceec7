// Sharing beyond RBAC, as a publisher and a consumer do it in today's portal:
// Contoso shares its gallery directly with Fabrikam's subscription (another
// tenant), Carol of Fabrikam finds it under "Shared with me" and checks a
// deployment from it by its /SharedGalleries reference — with no role on
// Contoso's gallery. And a community gallery: publisher information, public
// name, "Share to the community", reset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blade, createGallery, importExample, newPage, usePortal } from './support.mjs';

const env = usePortal();

const CONTOSO_SUB = '2b7e1c4d-9a3f-4b8e-8c2d-5f6a7b8c9d0e';
const FABRIKAM_SUB = '6f1d2c3b-4a59-4e8f-9d0c-1b2a3c4d5e6f';
const GALLERY = `/subscriptions/${CONTOSO_SUB}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/ContosoImages`;

const topbar = (page) => page.getByRole('banner');

async function openSharing(page, id, name) {
  await page.goto(`${env.server.url}#/home/resource:${encodeURIComponent(id)}`);
  await page.getByRole('navigation', { name: `${name} menu` }).getByRole('link', { name: 'Sharing', exact: true }).click();
  const sharing = blade(page, name).getByRole('region', { name: 'Sharing', exact: true });
  await sharing.waitFor();
  return sharing;
}

async function signIn(page, directory, upn) {
  await topbar(page).getByRole('button', { name: /Contoso|Fabrikam|Northwind/ }).last().click();
  const switcher = page.getByRole('dialog', { name: 'Switch directory or account' });
  await switcher.getByLabel('Directory').selectOption({ label: directory });
  await switcher.getByLabel('Signed in as').selectOption(upn);
  await switcher.getByLabel('Signed in as').press('Escape');
  await switcher.waitFor({ state: 'hidden' });
}

test('share a gallery with another tenant\'s subscription; that tenant finds it under "Shared with me" and deploys from it', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await importExample(page, env.server.url);
  const sharing = await openSharing(page, GALLERY, 'ContosoImages');
  const summary = sharing.locator('dl.summary');
  assert.match(await summary.textContent(), /Sharing method\s*Role based access control \(RBAC\)/);

  // Private → RBAC + share directly, through the core's UpdateGallery.
  const change = sharing.getByRole('form', { name: 'Change sharing method' });
  await change.getByLabel('RBAC + share directly').check();
  await change.getByRole('button', { name: 'Save' }).click();
  await summary.getByText('RBAC + share directly').waitFor();
  assert.match(await summary.textContent(), new RegExp(`Gallery unique name\\s*${CONTOSO_SUB}-CONTOSOIMAGES`));
  await sharing.getByText('Not shared with any subscription or tenant yet.').waitFor();

  // A malformed id is refused with the core's message, in place; Fabrikam's subscription is shared.
  const add = sharing.getByRole('form', { name: 'Share with a subscription or tenant' });
  await add.getByLabel('Subscription or tenant ID').fill('fabrikam');
  await add.getByRole('button', { name: 'Share' }).click();
  await sharing.getByRole('alert').filter({ hasText: "'fabrikam' is not a subscription or tenant id" }).waitFor();
  await add.getByLabel('Subscription or tenant ID').fill(FABRIKAM_SUB);
  await add.getByRole('button', { name: 'Share' }).click();
  const row = sharing.getByRole('row', { name: new RegExp(FABRIKAM_SUB) });
  await row.waitFor();
  assert.match(await row.textContent(), /Subscription.*Fabrikam Production/);
  assert.equal(await sharing.getByRole('alert').count(), 0, 'the earlier refusal is gone');

  // Carol signs in to Fabrikam: she holds no role on ContosoImages, yet it is shared with her subscription.
  await signIn(page, 'Fabrikam', 'carol@fabrikam.com');
  await page.goto(`${env.server.url}#/galleries`);
  await blade(page, 'Azure compute galleries').getByRole('button', { name: 'Shared with me' }).click();
  const shared = blade(page, 'Shared with me');
  await shared.getByLabel('Subscription').selectOption({ label: 'Fabrikam Production' });
  const list = shared.getByRole('table', { name: 'Images shared with me' });
  const latest = `/SharedGalleries/${CONTOSO_SUB}-CONTOSOIMAGES/Images/ubuntu-22/Versions/latest`;
  await list.getByRole('cell', { name: latest, exact: true }).waitFor();
  const references = await list.locator('tbody tr td:nth-child(5)').allTextContents();
  assert.deepEqual(references.sort(), [
    `/SharedGalleries/${CONTOSO_SUB}-CONTOSOIMAGES/Images/appliance/Versions/1.0.0`,
    `/SharedGalleries/${CONTOSO_SUB}-CONTOSOIMAGES/Images/appliance/Versions/latest`,
    `/SharedGalleries/${CONTOSO_SUB}-CONTOSOIMAGES/Images/ubuntu-22/Versions/1.0.0`,
    `/SharedGalleries/${CONTOSO_SUB}-CONTOSOIMAGES/Images/ubuntu-22/Versions/1.1.0`,
    latest,
  ].sort());

  // "Check deployment" opens the planner on that reference, in the subscription it is shared with.
  await list.getByRole('button', { name: `Check deployment of ${latest}` }).click();
  const planner = blade(page, 'Deploy planner');
  assert.equal(await planner.getByLabel('Image').inputValue(), latest);
  assert.equal(await planner.getByLabel('Subscription').inputValue(), FABRIKAM_SUB);
  const verdict = planner.getByRole('status', { name: 'Deployment verdict' });
  // Only the version's regions serve it: East US (the planner's default) is refused, West US is not.
  await verdict.getByText('Refused', { exact: true }).waitFor();
  assert.match(await planner.getByRole('list', { name: 'Reasons' }).textContent(), /is not available in eastus region/);
  await planner.getByLabel('Deployment region').selectOption('westus');
  await verdict.getByText(`Image version deployed: ${GALLERY}/images/ubuntu-22/versions/1.1.0`).waitFor();
  // Replication may still be running at the example's time: the clock finishes it.
  const clock = page.getByRole('group', { name: 'Simulation clock' });
  for (let i = 0; i < 40 && (await verdict.getByText('Allowed', { exact: true }).count()) === 0; i += 1) {
    await clock.getByRole('button', { name: 'Step 5 min' }).click();
  }
  await verdict.getByText('Allowed', { exact: true }).waitFor();
  const reasons = await planner.getByRole('list', { name: 'Reasons' }).textContent();
  assert.doesNotMatch(reasons, /AuthorizationFailed/);
  assert.match(reasons, /LatestResolved/);

  // Once the publisher resets the sharing, the reference no longer works for her.
  await signIn(page, 'Contoso', 'admin@contoso.onmicrosoft.com');
  const again = await openSharing(page, GALLERY, 'ContosoImages');
  await again.getByRole('button', { name: 'Reset sharing' }).click();
  await again.getByRole('alertdialog', { name: 'Reset sharing' }).getByRole('button', { name: 'Yes, reset' }).click();
  await again.locator('dl.summary').getByText('Role based access control (RBAC)').waitFor();
  await signIn(page, 'Fabrikam', 'carol@fabrikam.com');
  await page.goto(`${env.server.url}#/shared-with-me`);
  await blade(page, 'Shared with me').getByLabel('Subscription').selectOption({ label: 'Fabrikam Production' });
  await blade(page, 'Shared with me').getByText('Nothing is shared with this subscription').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('a community gallery needs its publisher information, gets a public name and is shared to the community', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await page.goto(`${env.server.url}#/create-gallery`);
  const wizard = blade(page, 'Create Azure compute gallery');
  await wizard.getByLabel('Name').fill('communityGallery');
  await wizard.getByRole('tab', { name: /Sharing method/ }).click();
  await wizard.getByLabel('RBAC + share to public community gallery').check();
  // The core's rules on the publisher fields, under each field.
  await wizard.getByLabel('Community gallery prefix').fill('abc');
  await wizard.getByLabel('Publisher email').fill('images');
  const tab = wizard.getByRole('tabpanel', { name: 'Sharing method' });
  await tab.getByText("The community gallery prefix 'abc' must be 5 to 16 letters or digits").waitFor();
  await tab.getByText("The publisher email 'images' is not an email address").waitFor();
  await wizard.getByLabel('Community gallery prefix').fill('Contoso');
  await wizard.getByLabel('Publisher email').fill('images@contoso.com');
  await wizard.getByLabel('Publisher URL').fill('https://contoso.com');
  await wizard.getByLabel('Legal agreement URL').fill('https://contoso.com/eula');
  await wizard.getByRole('tab', { name: /Review \+ create/ }).click();
  await wizard.getByRole('tabpanel', { name: 'Review + create' }).getByText('RBAC + share to public community gallery').waitFor();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  const name = 'communityGallery';
  await blade(page, name).waitFor();
  await page.getByRole('navigation', { name: `${name} menu` }).getByRole('link', { name: 'Sharing', exact: true }).click();
  const sharing = blade(page, name).getByRole('region', { name: 'Sharing', exact: true });
  const summary = sharing.locator('dl.summary');
  await summary.getByText('Not shared to the community yet').waitFor();
  assert.match(await summary.textContent(), /Public name\s*Contoso-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  await sharing.getByRole('button', { name: 'Share to the community' }).click();
  await summary.getByText('Shared to the community', { exact: true }).waitFor();
  // A published community gallery can't be deleted before its sharing is reset: the core says so.
  await blade(page, name).getByRole('toolbar', { name: 'Resource actions' }).getByRole('button', { name: 'Delete', exact: true }).click();
  const blocked = blade(page, name).getByRole('alertdialog', { name: 'Delete blocked' });
  await blocked.getByText('reset its sharing (az sig share reset) before you delete it').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('soft-delete a version and restore it: kept under "Show soft deleted versions", Undelete brings it back', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await importExample(page, env.server.url);
  await page.goto(`${env.server.url}#/home/resource:${encodeURIComponent(GALLERY)}`);
  const gallery = blade(page, 'ContosoImages');
  // Edit: soft delete on (the signed-in admin owns the subscription).
  await gallery.getByRole('toolbar', { name: 'Resource actions' }).getByRole('button', { name: 'Edit', exact: true }).click();
  const edit = gallery.getByRole('form', { name: 'Edit' });
  await edit.getByLabel('Enables soft delete for image versions').check();
  await edit.getByRole('button', { name: 'Save' }).click();
  await edit.waitFor({ state: 'detached' });

  // Delete 1.1.0 from its page.
  const version = `${GALLERY}/images/ubuntu-22/versions/1.1.0`;
  await page.goto(`${env.server.url}#/home/resource:${encodeURIComponent(version)}`);
  const page110 = blade(page, '1.1.0');
  await page110.getByRole('toolbar', { name: 'Resource actions' }).getByRole('button', { name: 'Delete', exact: true }).click();
  await page110.getByRole('alertdialog', { name: 'Confirm delete' }).getByRole('button', { name: 'Yes, delete' }).click();

  // The definition lists only 1.0.0; the kept one is under "Show soft deleted versions".
  const definition = `${GALLERY}/images/ubuntu-22`;
  await page.goto(`${env.server.url}#/home/resource:${encodeURIComponent(definition)}`);
  const ubuntu = blade(page, 'ubuntu-22');
  const versions = ubuntu.getByRole('table', { name: 'List of versions' });
  await versions.getByRole('button', { name: '1.0.0' }).waitFor();
  assert.equal(await versions.getByRole('button', { name: '1.1.0' }).count(), 0);
  const kept = ubuntu.getByRole('region', { name: 'Soft deleted versions' });
  await kept.getByLabel('Show soft deleted versions').check();
  const row = kept.getByRole('table', { name: 'Soft deleted versions' }).getByRole('row', { name: /1\.1\.0/ });
  await row.waitFor();
  // Kept 7 days: the purge date is the deletion date + 7 days.
  const [deleted, purged] = (await row.locator('td').allTextContents()).slice(1, 3).map((t) => new Date(t.replace(' UTC', 'Z').replace(' ', 'T')));
  assert.equal(purged - deleted, 7 * 24 * 3600 * 1000);
  // With 1.0.0 deleted too, nothing live is left, yet the definition can't be deleted while
  // its soft-deleted versions are kept (the core says why).
  await page.goto(`${env.server.url}#/home/resource:${encodeURIComponent(`${definition}/versions/1.0.0`)}`);
  const page100 = blade(page, '1.0.0');
  await page100.getByRole('toolbar', { name: 'Resource actions' }).getByRole('button', { name: 'Delete', exact: true }).click();
  await page100.getByRole('alertdialog', { name: 'Confirm delete' }).getByRole('button', { name: 'Yes, delete' }).click();
  await page.goto(`${env.server.url}#/home/resource:${encodeURIComponent(definition)}`);
  await versions.getByRole('button', { name: '1.0.0' }).waitFor({ state: 'detached' });
  await kept.getByLabel('Show soft deleted versions').check();
  await row.waitFor();
  await ubuntu.getByRole('toolbar', { name: 'Resource actions' }).getByRole('button', { name: 'Delete', exact: true }).click();
  await ubuntu.getByRole('alertdialog', { name: 'Delete blocked' }).getByText(/with soft-deleted resources isn't supported: 2 soft-deleted image version/).waitFor();

  assert.equal(await kept.getByLabel('Show soft deleted versions').isChecked(), true, 'the list stays open');
  // Undelete: back in the versions grid, gone from the kept list.
  await row.getByRole('button', { name: 'Undelete 1.1.0' }).click();
  await versions.getByRole('button', { name: '1.1.0' }).waitFor();
  await row.waitFor({ state: 'detached' });
  await kept.getByRole('row', { name: /1\.0\.0/ }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('encryption per region is shown and edited in Update replication, judged by the core', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await importExample(page, env.server.url);
  const version = `${GALLERY}/images/ubuntu-22/versions/1.1.0`;
  await page.goto(`${env.server.url}#/${encodeURIComponent(`replication:${version}`).replace(/%3A/g, ':')}`);
  const replication = blade(page, 'Replication');
  const grid = replication.getByRole('table', { name: 'Target regions to replicate to' });
  const field = grid.getByLabel('OS disk encryption set in West US');
  assert.equal(await field.inputValue(), '');
  // Not a disk encryption set: the core's rule, in place; the edit is kept.
  await field.fill('my-key');
  await replication.getByRole('button', { name: 'Save target regions' }).click();
  await replication.getByRole('alert').filter({ hasText: "'my-key' is not the id of a disk encryption set" }).waitFor();
  assert.equal(await field.inputValue(), 'my-key');
  // One in another subscription: refused too.
  const elsewhere = '/subscriptions/6f1d2c3b-4a59-4e8f-9d0c-1b2a3c4d5e6f/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des-westus';
  await field.fill(elsewhere);
  await replication.getByRole('button', { name: 'Save target regions' }).click();
  await replication.getByRole('alert').filter({ hasText: "must be in the gallery's subscription" }).waitFor();
  // The gallery's own: saved, and shown again after a reload.
  const des = `/subscriptions/${CONTOSO_SUB}/resourceGroups/rg-images/providers/Microsoft.Compute/diskEncryptionSets/des-westus`;
  await field.fill(des);
  await replication.getByRole('button', { name: 'Save target regions' }).click();
  await replication.getByRole('alert').waitFor({ state: 'detached' });
  await page.reload();
  await blade(page, 'Replication').getByRole('table', { name: 'Target regions to replicate to' }).getByLabel('OS disk encryption set in West US').waitFor();
  assert.equal(await blade(page, 'Replication').getByRole('table', { name: 'Target regions to replicate to' }).getByLabel('OS disk encryption set in West US').inputValue(), des);
  assert.deepEqual(errors, []);
  await page.close();
});
