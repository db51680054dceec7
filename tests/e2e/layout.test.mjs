// The portal's frame at the widths people use (1024, 1280, 1920 px): one
// blade at a time across the workspace, no page-level sideways scroll, the
// blade's heading in view, nothing sticking out of the blade except inside a
// scroll box of its own, and toasts that never cover a control of the blade.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, blade, usePortal } from './support.mjs';

const env = usePortal();
const menu = (page) => page.getByRole('navigation', { name: 'Portal menu' });
const SHOTS = join(ROOT, 'tests', 'test-results', 'layout');

async function newPageAt(width, errors) {
  const context = await env.browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return page;
}

/**
 * What is wrong with the layout now, as sentences (empty: nothing). Also
 * counts the toasts on screen, so the journey can tell it checked some.
 */
function layoutProblems() {
  const problems = [];
  const width = window.innerWidth;
  const height = window.innerHeight;
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page scrolls sideways: scrollWidth ${document.documentElement.scrollWidth} > ${width}`);
  }
  const shown = [...document.querySelectorAll('section[aria-labelledby]')].filter(
    (s) => s.closest('.blade-area') && s.getClientRects().length > 0,
  );
  if (shown.length !== 1) return { problems: [...problems, `${shown.length} blades are shown, not 1`], toasts: 0 };
  const [active] = shown;
  const title = active.querySelector(`#${active.getAttribute('aria-labelledby')}`);
  const heading = title.getBoundingClientRect();
  if (heading.left < 0 || heading.top < 0 || heading.right > width || heading.bottom > height) {
    problems.push(`the heading "${title.textContent}" is not fully in view: ${JSON.stringify(heading)}`);
  }
  const bladeBox = active.getBoundingClientRect();
  if (bladeBox.left < 0 || bladeBox.right > width) problems.push(`the blade is cut: ${bladeBox.left}..${bladeBox.right} of ${width}`);
  // A scroll box of its own: a focusable region that scrolls sideways, or a windowed list's viewport.
  const scrollBox = (el) => {
    const overflow = getComputedStyle(el).overflowX;
    return (overflow === 'auto' || overflow === 'scroll') && !el.classList.contains('blade-body');
  };
  const inScrollBox = (el) => {
    for (let p = el.parentElement; p && p !== active; p = p.parentElement) if (scrollBox(p)) return true;
    return false;
  };
  for (const el of active.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > bladeBox.right + 0.5 && !inScrollBox(el)) {
      const name = el.getAttribute('aria-label') ?? el.textContent.trim().slice(0, 40);
      problems.push(`<${el.tagName.toLowerCase()} class="${el.className}"> "${name}" sticks out of the blade: ${box.right} > ${bladeBox.right}`);
    }
  }
  for (const region of active.querySelectorAll('.scroll-region')) {
    if (region.tabIndex !== 0 || region.getAttribute('role') !== 'region' || !region.getAttribute('aria-label')) {
      problems.push('a scroll box is not a focusable, named region');
    }
  }
  // The part of a control the user can see: its box clipped by every box
  // around it that clips (the blade's body scrolls, so a control scrolled
  // out of it is not on screen).
  const visibleBox = (el) => {
    let { left, top, right, bottom } = el.getBoundingClientRect();
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflow === 'visible') continue;
      const clip = p.getBoundingClientRect();
      left = Math.max(left, clip.left);
      top = Math.max(top, clip.top);
      right = Math.min(right, clip.right);
      bottom = Math.min(bottom, clip.bottom);
    }
    return { left, top, right, bottom, width: right - left, height: bottom - top };
  };
  const toasts = [...document.querySelectorAll('.toasts .note')].map((t) => t.getBoundingClientRect());
  for (const control of active.querySelectorAll('button, a, input, select, textarea')) {
    const box = visibleBox(control);
    if (box.width <= 0 || box.height <= 0) continue;
    for (const toast of toasts) {
      const overlaps = box.left < toast.right && toast.left < box.right && box.top < toast.bottom && toast.top < box.bottom;
      if (overlaps) problems.push(`a toast covers "${control.getAttribute('aria-label') ?? control.textContent.trim()}"`);
    }
  }
  return { problems, toasts: toasts.length };
}

async function checkLayout(page, width, step, seen) {
  const { problems, toasts } = await page.evaluate(layoutProblems);
  seen.toasts += toasts;
  await page.screenshot({ path: join(SHOTS, `${width}-${step}.png`) });
  assert.deepEqual(problems, [], `at ${width} px, ${step}`);
}

const LONG = 'averyveryverylonggalleryname_withoutanybreakatall_0123456789abcdef';

for (const width of [1024, 1280, 1920]) {
  test(`at ${width} px: gallery → definition → version → Replication, one full-width blade at a time`, async () => {
    mkdirSync(SHOTS, { recursive: true });
    const errors = [];
    const seen = { toasts: 0 };
    const page = await newPageAt(width, errors);

    await page.goto(`${env.server.url}#/sources`);
    const sources = blade(page, 'Image sources (simulated)');
    await sources.getByLabel('Source name').fill('base-image-with-a-long-name-that-does-not-break-0123456789');
    await sources.getByLabel('Region').selectOption('eastus');
    await sources.getByRole('button', { name: 'Add source' }).click();
    await sources.getByRole('cell', { name: /base-image-with/ }).waitFor();
    await checkLayout(page, width, 'sources', seen);

    await page.goto(`${env.server.url}#/galleries`);
    await checkLayout(page, width, 'galleries', seen);
    await blade(page, 'Azure compute galleries').getByRole('button', { name: '+ Create' }).click();
    let wizard = blade(page, 'Create Azure compute gallery');
    await wizard.getByLabel('Name', { exact: true }).fill(LONG);
    await wizard.getByRole('button', { name: 'Review + create' }).click();
    await wizard.getByText('Validation passed').waitFor();
    await checkLayout(page, width, 'gallery-review', seen);
    await wizard.getByRole('button', { name: 'Create', exact: true }).click();
    const gallery = blade(page, LONG);
    await gallery.waitFor();
    await checkLayout(page, width, 'gallery', seen);

    await gallery.getByRole('button', { name: '+ Add new image definition' }).click();
    wizard = blade(page, 'Create a VM image definition');
    await wizard.getByLabel('VM image definition name').fill('ubuntu-web');
    await wizard.getByLabel('Publisher').fill('Contoso');
    await wizard.getByLabel('Offer').fill('Web');
    await wizard.getByLabel('SKU').fill('Ubuntu22');
    await checkLayout(page, width, 'definition-wizard', seen);
    await wizard.getByRole('button', { name: 'Review + create' }).click();
    await wizard.getByRole('button', { name: 'Create', exact: true }).click();
    const definition = blade(page, 'ubuntu-web');
    await definition.waitFor();
    await checkLayout(page, width, 'definition', seen);

    await definition.getByRole('button', { name: '+ Add version' }).click();
    wizard = blade(page, 'Create a VM image version');
    await wizard.getByLabel('Version number').fill('1.0.0');
    await wizard.getByLabel('Source').selectOption({ index: 1 });
    await wizard.getByRole('tab', { name: /Replication/ }).click();
    await wizard.getByRole('button', { name: '+ Add target region' }).click();
    await wizard.getByLabel('Target region 2', { exact: true }).selectOption('westeurope');
    await checkLayout(page, width, 'version-wizard', seen);
    await wizard.getByRole('button', { name: 'Review + create' }).click();
    await wizard.getByText('Validation passed').waitFor();
    await wizard.getByRole('button', { name: 'Create', exact: true }).click();
    const version = blade(page, '1.0.0');
    await version.waitFor();
    await page.getByRole('status').filter({ hasText: 'Created VM image version 1.0.0' }).waitFor();
    await checkLayout(page, width, 'version', seen);

    // The command bar keeps what fits its measured width in one row; the rest is under "…".
    const bar = version.getByRole('toolbar', { name: 'Resource actions' });
    assert.ok(await bar.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), `the command bar fits at ${width} px`);
    if (await bar.getByRole('button', { name: 'Replication', exact: true }).count() === 0) {
      await version.getByRole('button', { name: 'More commands' }).click();
      await version.getByRole('menu', { name: 'More commands' }).waitFor();
      await checkLayout(page, width, 'version-more', seen);
      await version.getByRole('menuitem', { name: 'Replication' }).click();
    } else {
      await bar.getByRole('button', { name: 'Replication', exact: true }).click();
    }
    const replication = blade(page, 'Replication');
    await replication.getByRole('status').filter({ hasText: 'Replication state' }).waitFor();
    await replication.getByLabel('Region to add').selectOption('eastus2');
    await replication.getByRole('button', { name: '+ Add region' }).click();
    await replication.getByRole('button', { name: 'Save target regions' }).click();
    await replication.getByRole('table', { name: 'Target regions', exact: true }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'East US 2' }) }).waitFor();
    await checkLayout(page, width, 'replication', seen);
    // Every button of the per-region table can be reached and pressed.
    const table = replication.getByRole('table', { name: 'Target regions' });
    for (const button of await table.getByRole('button').all()) {
      assert.ok(await button.isVisible(), `${await button.textContent()} is visible`);
    }

    // Back through the breadcrumb: the earlier blade comes back, full width.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button', { name: 'ubuntu-web' }).click();
    await definition.waitFor();
    assert.equal(await replication.count(), 0);
    await checkLayout(page, width, 'back-to-definition', seen);

    for (const [hash, name] of [
      ['#/resources', 'All resources'],
      ['#/cost', 'Cost'],
      ['#/directory', 'Directory (simulated)'],
      ['#/activity', 'Activity log'],
      ['#/subscriptions', 'Subscriptions and resource groups'],
    ]) {
      await page.goto(`${env.server.url}${hash}`);
      await blade(page, name).waitFor();
      await checkLayout(page, width, hash.slice(2), seen);
    }
    assert.ok(seen.toasts > 0, 'some steps were checked with a toast on screen');
    assert.deepEqual(errors, []);
    await page.context().close();
  });
}

test('the portal menu is a rail below 1280 px that opens as a flyout, and docked from 1280 px', async () => {
  const errors = [];
  const page = await newPageAt(1024, errors);
  await page.goto(`${env.server.url}#/home`);
  await blade(page, 'Home').waitFor();
  const toggle = page.getByRole('button', { name: 'Portal menu' });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  const rail = await menu(page).boundingBox();
  assert.ok(rail.width <= 64, `the rail is narrow (${rail.width} px)`);
  // Every item is still a link named by its service.
  await menu(page).getByRole('link', { name: 'Azure compute galleries' }).waitFor();
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.ok((await menu(page).boundingBox()).width >= 200, 'the flyout shows the names');
  await page.keyboard.press('Escape');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await blade(page, 'Home').waitFor();
  await toggle.click();
  await menu(page).getByRole('link', { name: 'Activity log' }).click();
  await blade(page, 'Activity log').waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'choosing a service closes the flyout');

  // The menu marks the service the user is in, also when they came to it through Home.
  await page.goto(`${env.server.url}#/home/galleries`);
  await blade(page, 'Azure compute galleries').waitFor();
  const current = (name) => menu(page).getByRole('link', { name, exact: true }).getAttribute('aria-current');
  assert.equal(await current('Azure compute galleries'), 'page');
  assert.equal(await current('Home'), null);

  await page.setViewportSize({ width: 1440, height: 800 });
  await page.waitForFunction(() => document.querySelector('.menu-button')?.getAttribute('aria-expanded') === 'true');
  assert.ok((await menu(page).boundingBox()).width >= 200, 'docked at 1280 px and wider');
  assert.deepEqual(errors, []);
  await page.context().close();
});
