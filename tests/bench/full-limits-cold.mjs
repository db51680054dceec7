// Opening the portal with the full-limits state stored (issue 17's "cold load to the first blade
// ≤ 300 ms"): imports the full-limits file once, then reloads the page N times and prints, for
// each reload, the `sig:first-blade` mark and the start-up marks before it (when the app began,
// when the stored state was read, admitted, the store started), and every task over 50 ms.
//
//   node tests/bench/full-limits-cold.mjs [N=7]     (after `trunk build --release`; ~1 minute)
//
// Figures, not assertions: the scale journey (tests/e2e/scale.test.mjs) is what CI runs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, announceFirstBlade, launchBrowser, startStaticServer, timeFirstBlade } from '../e2e/support.mjs';

const RESULTS = join(ROOT, 'tests', 'test-results');
const FULL = join(RESULTS, 'full-limits.json');
mkdirSync(RESULTS, { recursive: true });
if (!existsSync(FULL)) {
  writeFileSync(FULL, execFileSync('cargo', ['run', '-q', '--locked', '-p', 'sig-core', '--example', 'full_limits_state'], { cwd: ROOT, maxBuffer: 1 << 30 }));
}
const runs = Number(process.argv[2] ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startStaticServer();
const browser = await launchBrowser();
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(`${server.url}#/export-import`);
  const io = page.getByRole('region', { name: 'Export and import', exact: true });
  const revision = async () => page.evaluate(() => Number(localStorage.getItem('sig-portal/revision')));
  const before = await revision();
  await io.getByLabel('State file').setInputFiles(FULL);
  await io.getByText(/Imported:/).waitFor({ timeout: 120_000 });
  await page.waitForFunction((r) => Number(localStorage.getItem('sig-portal/revision')) > r, before, { timeout: 120_000 });

  await page.addInitScript(() => {
    window.sigLongTasks = [];
    new PerformanceObserver((list) => window.sigLongTasks.push(...list.getEntries().map((e) => Math.round(e.duration))))
      .observe({ type: 'longtask' });
  });
  await announceFirstBlade(page);
  await page.goto(`${server.url}#/home`);
  const rows = [];
  for (let n = 0; n < runs; n++) {
    const firstBlade = await timeFirstBlade(page, () => page.reload());
    const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark')
      .filter((m) => m.name.startsWith('sig:'))
      .map((m) => [m.name.slice(4), Math.round(m.startTime)])));
    const longTasks = await page.evaluate(() => window.sigLongTasks);
    rows.push({ firstBlade: Math.round(firstBlade), marks, longTasks });
    console.log(`run ${n + 1}: first blade ${Math.round(firstBlade)} ms; marks ${JSON.stringify(marks)}; tasks over 50 ms ${JSON.stringify(longTasks)}`);
  }
  const firstBlades = rows.map((r) => r.firstBlade);
  const reading = rows.map((r) => (r.marks['state-read'] ?? 0) - (r.marks['reader-ready'] ?? r.marks['storage-read'] ?? 0));
  console.log(`full-limits cold load: first blade median ${median(firstBlades)} ms (runs ${firstBlades.join(', ')}), reading the state median ${median(reading)} ms`);
  writeFileSync(join(RESULTS, 'full-limits-cold.json'), JSON.stringify({ runs: rows, medianFirstBladeMs: median(firstBlades), medianReadingMs: median(reading) }, null, 2));
} finally {
  await browser.close();
  await server.stop();
}
