// Opening the portal with the full-limits state stored (issue 17's "cold load to the first blade
// ≤ 300 ms"): imports the full-limits file once, then reloads the page N times and prints, for
// each reload, the `sig:first-blade` mark and the start-up marks before it (when the app began,
// when the stored state was read, admitted, the store started), and every task over 50 ms
// ([start, duration], on the same clock as the marks).
//
//   node tests/bench/full-limits-cold.mjs [N=7]     (after `trunk build --release`; ~1 minute)
//   SIG_STATE=FILE node tests/bench/full-limits-cold.mjs [N]   the same with another state file,
//     e.g. the ten-times one tests/bench/ten-times.mjs writes (tests/test-results/ten-times.state.json)
//   SIG_PROFILE=1 ...   also profiles the last reload (the DevTools CPU profiler, every 0.5 ms) and
//     prints the functions that took the most time, by themselves and with what they called;
//     the profile is written to tests/test-results/cold-load.cpuprofile. Build with
//     `SIG_WASM_NAMES=1 trunk build --release` to see the Rust functions' names.
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
const STATE = process.env.SIG_STATE ?? FULL;
const runs = Number(process.argv[2] ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The functions a CPU profile spent the most time in: by themselves, and with their callees. */
function printProfile(profile) {
  writeFileSync(join(RESULTS, 'cold-load.cpuprofile'), JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id])));
  const own = new Map();
  const total = new Map();
  const add = (map, name, ms) => map.set(name, (map.get(name) ?? 0) + ms);
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    add(own, byId.get(id).callFrame.functionName || '(anonymous)', ms);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) seen.add(byId.get(at).callFrame.functionName || '(anonymous)');
    seen.forEach((name) => add(total, name, ms));
  });
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, ms]) => `${ms.toFixed(0).padStart(7)} ms  ${name.slice(0, 140)}`).join('\n');
  console.log(`profile of the last reload, by themselves:\n${top(own, 25)}\nwith what they called:\n${top(total, 40)}`);
}

const server = await startStaticServer();
const browser = await launchBrowser();
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(`${server.url}#/export-import`);
  const io = page.getByRole('region', { name: 'Export and import', exact: true });
  const revision = async () => page.evaluate(() => Number(localStorage.getItem('sig-portal/revision')));
  const before = await revision();
  await io.getByLabel('State file').setInputFiles(STATE);
  await io.getByText(/Imported:/).waitFor({ timeout: 600_000 });
  await page.waitForFunction((r) => Number(localStorage.getItem('sig-portal/revision')) > r, before, { timeout: 120_000 });

  await page.addInitScript(() => {
    window.sigLongTasks = [];
    new PerformanceObserver((list) => window.sigLongTasks.push(...list.getEntries().map((e) => [Math.round(e.startTime), Math.round(e.duration)])))
      .observe({ type: 'longtask' });
  });
  await announceFirstBlade(page);
  await page.goto(`${server.url}#/home`);
  const rows = [];
  const cdp = process.env.SIG_PROFILE === '1' ? await page.context().newCDPSession(page) : null;
  for (let n = 0; n < runs; n++) {
    const profiled = cdp && n === runs - 1;
    if (profiled) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    const firstBlade = await timeFirstBlade(page, () => page.reload(), 600_000);
    if (profiled) printProfile((await cdp.send('Profiler.stop')).profile);
    const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark')
      .filter((m) => m.name.startsWith('sig:'))
      .map((m) => [m.name.slice(4), Math.round(m.startTime)])));
    const longTasks = await page.evaluate(() => window.sigLongTasks);
    rows.push({ firstBlade: Math.round(firstBlade), marks, longTasks });
    console.log(`run ${n + 1}: first blade ${Math.round(firstBlade)} ms; marks ${JSON.stringify(marks)}; tasks over 50 ms ${JSON.stringify(longTasks)}`);
  }
  const firstBlades = rows.map((r) => r.firstBlade);
  const reading = rows.map((r) => (r.marks['state-read'] ?? 0) - (r.marks['reader-ready'] ?? r.marks['storage-read'] ?? 0));
  console.log(`${STATE === FULL ? 'full-limits' : STATE} cold load: first blade median ${median(firstBlades)} ms (runs ${firstBlades.join(', ')}), reading the state median ${median(reading)} ms`);
  writeFileSync(join(RESULTS, STATE === FULL ? 'full-limits-cold.json' : 'state-cold.json'), JSON.stringify({ runs: rows, medianFirstBladeMs: median(firstBlades), medianReadingMs: median(reading) }, null, 2));
} finally {
  await browser.close();
  await server.stop();
}
