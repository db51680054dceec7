// Accessibility, checked by axe-core on every blade, every resource-menu page
// and every wizard tab, the way a screen-reader or keyboard user meets them:
// no serious or critical violation anywhere, one h1 per page, and focus that
// moves to a blade when it opens and back to its opener when it closes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { blade, createGallery, fillDefinition, newPage, usePortal } from './support.mjs';

const env = usePortal();
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical violations on the page as it is now, as readable lines. */
async function audit(page) {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  // Earlier blades stay mounted but hidden: what counts is what the page shows.
  const headings = await page.locator('h1:visible').count();
  if (headings !== 1) violations.push(`the page shows ${headings} h1 elements, not one`);
  return violations;
}

const SUB = '2b7e1c4d-9a3f-4b8e-8c2d-5f6a7b8c9d0e';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-images`;
const GALLERY = `${RG}/providers/Microsoft.Compute/galleries/a11yGallery`;
const IMAGE = `${GALLERY}/images/a11y-def`;
const VERSION = `${IMAGE}/versions/1.0.0`;
const at = (segments) => `${env.server.url}#/${segments.map((s) => encodeURIComponent(s).replace(/%3A/g, ':')).join('/')}`;

test('every blade, resource page and wizard tab has no serious or critical axe violation', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  // Something to show: a source, a gallery, a definition and a version.
  await page.goto(`${env.server.url}#/sources`);
  const sources = blade(page, 'Image sources (simulated)');
  await sources.getByLabel('Source name').fill('a11y-base');
  await sources.getByLabel('Region').selectOption('eastus');
  await sources.getByRole('button', { name: 'Add source' }).click();
  await sources.getByRole('cell', { name: 'a11y-base' }).waitFor();
  await createGallery(page, env.server.url, 'a11yGallery', 'Accessible images');
  let wizard = await fillDefinition(page, 'a11yGallery', 'a11y-def', ['Contoso', 'A11y', 'Sku1']);
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, 'a11y-def').getByRole('button', { name: '+ Add version' }).click();
  wizard = blade(page, 'Create a VM image version');
  await wizard.getByLabel('Version number').fill('1.0.0');
  await wizard.getByLabel('Source').selectOption({ label: 'Managed image: a11y-base (East US)' });
  await wizard.getByRole('button', { name: 'Review + create' }).click();
  await wizard.getByText('Validation passed').waitFor();
  await wizard.getByRole('button', { name: 'Create', exact: true }).click();
  await blade(page, '1.0.0').waitFor();

  const found = [];
  const check = async (where) => {
    for (const line of await audit(page)) found.push(`${where}: ${line}`);
  };

  const blades = [
    [['home'], 'Home'],
    [['resources'], 'All resources'],
    [['galleries'], 'Azure compute galleries'],
    [['sources'], 'Image sources (simulated)'],
    [['subscriptions'], 'Subscriptions and resource groups'],
    [['export-import'], 'Export and import'],
    [['directory'], 'Directory (simulated)'],
    [['deploy'], 'Deploy planner'],
    [['cost'], 'Cost'],
    [['templates'], 'Export template'],
    [['activity'], 'Activity log'],
    [[`iam:${GALLERY}`], 'Access control (IAM)'],
    [[`add-role-assignment:${GALLERY}`], 'Add role assignment'],
    [[`replication:${VERSION}`], 'Replication'],
  ];
  for (const [segments, title] of blades) {
    await page.goto(at(segments));
    await blade(page, title).waitFor();
    await check(title);
  }

  // Resource pages and every page of their resource menus.
  for (const [id, title] of [[GALLERY, 'a11yGallery'], [IMAGE, 'a11y-def'], [VERSION, '1.0.0']]) {
    await page.goto(at([`resource:${id}`]));
    const resource = blade(page, title);
    await resource.waitFor();
    const menu = resource.getByRole('navigation', { name: `${title} menu` });
    const names = await menu.getByRole('link').allTextContents();
    assert.ok(names.length >= 5, `${title} has a resource menu`);
    for (const name of names) {
      await menu.getByRole('link', { name: name.trim(), exact: true }).click();
      await check(`${title} › ${name}`);
    }
  }

  // Every tab of every wizard.
  for (const [segments, title] of [
    [['create-gallery'], 'Create Azure compute gallery'],
    [[`create-image:${GALLERY}`], 'Create a VM image definition'],
    [[`create-version:${IMAGE}`], 'Create a VM image version'],
  ]) {
    await page.goto(at(segments));
    const w = blade(page, title);
    await w.waitFor();
    const tabs = await w.getByRole('tab').allTextContents();
    for (const [i, name] of tabs.entries()) {
      await w.getByRole('tab').nth(i).click();
      await check(`${title} › ${name.trim()}`);
    }
  }
  assert.deepEqual(found, []);
  assert.deepEqual(errors, []);
  await page.close();
});

/** WCAG contrast ratio of the focused element's outline against what it is drawn on. */
async function focusRingContrast(page) {
  return page.evaluate(() => {
    const rgb = (text) => text.match(/[\d.]+/g).map(Number);
    const luminance = ([r, g, b]) => {
      const channel = (c) => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const element = document.activeElement;
    const style = getComputedStyle(element);
    if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0) return { ratio: 0, what: 'no outline' };
    // The ring is drawn just outside the element: over its parent's background.
    let behind = element.parentElement;
    while (behind && rgb(getComputedStyle(behind).backgroundColor)[3] === 0) behind = behind.parentElement;
    const background = behind ? rgb(getComputedStyle(behind).backgroundColor) : [255, 255, 255];
    const [a, b] = [luminance(rgb(style.outlineColor)), luminance(background)];
    return { ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), what: `${style.outlineColor} on ${getComputedStyle(behind ?? document.body).backgroundColor}` };
  });
}

test('the keyboard focus ring stands out (3:1) on the top bar and in a blade; focus follows blades as they open and close', async () => {
  const errors = [];
  const page = await newPage(env.browser, errors);
  await page.goto(`${env.server.url}#/galleries`);
  const list = blade(page, 'Azure compute galleries');
  await list.waitFor();
  // Keyboard focus on the top bar's bell, then on a button in the blade.
  await page.getByRole('button', { name: /^Notifications/ }).focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  let ring = await focusRingContrast(page);
  assert.ok(ring.ratio >= 3, `top bar: ${ring.what} is ${ring.ratio.toFixed(2)}:1`);
  const create = list.getByRole('button', { name: '+ Create' });
  await create.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  assert.equal(await create.evaluate((e) => e === document.activeElement), true);
  ring = await focusRingContrast(page);
  assert.ok(ring.ratio >= 3, `blade: ${ring.what} is ${ring.ratio.toFixed(2)}:1`);

  // Opening a blade moves focus to its heading; closing it returns focus to the opener.
  await page.keyboard.press('Enter');
  const wizard = blade(page, 'Create Azure compute gallery');
  await wizard.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Create Azure compute gallery');
  await page.keyboard.press('Escape');
  await list.waitFor();
  await page.waitForFunction(() => document.activeElement?.textContent === '+ Create');
  assert.deepEqual(errors, []);
  await page.close();
});
