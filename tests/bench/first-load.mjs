// First-load benchmark: time to the first blade the app renders (the app's own
// `sig:first-blade` performance mark, two frames after it mounted — not a static
// placeholder), cold and on a second visit (nothing saved yet, and again after the user
// saved a state, which is read before the first blade), over emulated networks, from
// scripts/serve.py (which sends the precompressed siblings, as static hosts do),
// once sending brotli (Chromium asks for it) and once as a host that only gzips.
//
//   node tests/bench/first-load.mjs [runs]     (after `trunk build --release`)
//
// Prints one line per condition and writes tests/test-results/first-load.json.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DIST, ROOT, announceFirstBlade, importExample, launchBrowser, startStaticServer, timeFirstBlade as firstBlade,
} from '../e2e/support.mjs';

const RUNS = Number(process.argv[2] ?? 3);
// Chrome DevTools' presets; throughput in bytes per second, latency in ms.
const NETWORKS = {
  'no throttling': null,
  'Fast 4G': { latency: 60, downloadThroughput: (9 * 1024 * 1024) / 8, uploadThroughput: (1.5 * 1024 * 1024) / 8 },
  'Slow 4G': { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 },
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];


async function transferred(page) {
  return page.evaluate(() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
    .reduce((sum, r) => sum + (r.transferSize || 0), 0));
}

// Two hosts: one sending brotli or gzip (what Chromium takes: brotli), one that only gzips.
const HOSTS = { '': 'br,gzip', ', gzip only': 'gzip' };
const servers = {};
for (const [suffix, encodings] of Object.entries(HOSTS)) servers[suffix] = await startStaticServer({ encodings });
const browser = await launchBrowser();
const figures = {};
try {
  for (const [suffix, server] of Object.entries(servers)) for (const [network, conditions] of Object.entries(NETWORKS)) {
    const name = `${network}${suffix}`;
    const cold = [];
    const second = [];
    const secondStored = [];
    const tasks = [];
    let bytes = 0;
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
      // Every main-thread task over 50 ms of the first visit (Long Tasks API, from the start).
      await context.addInitScript(() => {
        if (window.sigTasks) return;
        window.sigTasks = [];
        new PerformanceObserver((list) => window.sigTasks.push(...list.getEntries().map((e) => Math.round(e.duration))))
          .observe({ type: 'longtask' });
      });
      // The page announces its first blade: polling for it would slow the start-up down.
      await announceFirstBlade(context);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      if (conditions) await cdp.send('Network.emulateNetworkConditions', { offline: false, ...conditions });
      cold.push(await firstBlade(page, () => page.goto(`${server.url}#/home`, { waitUntil: 'commit' })));
      await page.waitForLoadState('load');
      bytes = await transferred(page);
      // Second visit: the service worker (installed during the first) serves everything.
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
      // A user comes back later, not within milliseconds: let the first visit's background
      // work (the worker's precache, the blades' files, V8's optimizing compile on two
      // cores) finish before the second visit is timed.
      await page.waitForTimeout(1500);
      tasks.push(await page.evaluate(() => window.sigTasks));
      await page.goto(`${server.url}#/home`, { waitUntil: 'commit' });
      second.push(await firstBlade(page, () => page.reload({ waitUntil: 'commit' })));
      // A visit after the user saved something: the state is read before the first blade
      // (release builds fetch its reader, a split file, from the service worker first).
      await importExample(page, server.url);
      await page.waitForFunction(() => localStorage.getItem('sig-portal/state') !== null);
      await page.waitForTimeout(500);
      await page.goto(`${server.url}#/home`, { waitUntil: 'commit' });
      secondStored.push(await firstBlade(page, () => page.reload({ waitUntil: 'commit' })));
      await context.close();
    }
    figures[name] = {
      coldMs: Math.round(median(cold)),
      secondVisitMs: Math.round(median(second)),
      secondVisitWithSavedStateMs: Math.round(median(secondStored)),
      secondVisitRunsMs: second.map(Math.round),
      secondVisitWithSavedStateRunsMs: secondStored.map(Math.round),
      coldRunsMs: cold.map(Math.round),
      transferredBytes: bytes,
      // Per run: the first visit's tasks over 50 ms, to 1.5 s after its first blade.
      coldLongTasksMs: tasks,
    };
    console.log(`${name}: cold ${figures[name].coldMs} ms (runs ${figures[name].coldRunsMs.join(', ')}), second visit ${figures[name].secondVisitMs} ms (runs ${figures[name].secondVisitRunsMs.join(', ')}), with a saved state ${figures[name].secondVisitWithSavedStateMs} ms (runs ${figures[name].secondVisitWithSavedStateRunsMs.join(', ')}), ${Math.round(bytes / 1024)} KB transferred, tasks over 50 ms ${JSON.stringify(tasks)}`);
  }
  const wasm = readdirSync(DIST).find((f) => f.endsWith('_bg.wasm')) // the first load's module; the blades' split files load later;
  const size = (f) => (statSync(join(DIST, f), { throwIfNoEntry: false })?.size ?? 0);
  figures.wasm = { raw: size(wasm), gzip: size(`${wasm}.gz`), brotli: size(`${wasm}.br`) };
  console.log(`wasm: ${figures.wasm.raw} B raw, ${figures.wasm.gzip} B gzip, ${figures.wasm.brotli} B brotli`);
  const splits = readdirSync(DIST).filter((f) => /-(split|chunk)_.*\.wasm$/.test(f));
  const total = (suffix) => splits.reduce((sum, f) => sum + size(`${f}${suffix}`), 0);
  figures.splitFiles = { count: splits.length, raw: total(''), gzip: total('.gz'), brotli: total('.br') };
  console.log(`split files (loaded when a blade first opens, precached by the service worker): ${splits.length}, ${figures.splitFiles.raw} B raw, ${figures.splitFiles.gzip} B gzip, ${figures.splitFiles.brotli} B brotli`);
  mkdirSync(join(ROOT, 'tests', 'test-results'), { recursive: true });
  writeFileSync(join(ROOT, 'tests', 'test-results', 'first-load.json'), JSON.stringify(figures, null, 2));
} finally {
  await browser.close();
  for (const server of Object.values(servers)) await server.stop();
}
