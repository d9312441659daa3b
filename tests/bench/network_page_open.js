// How long OUT/network.html takes to open in Debian's Chromium (headless, software WebGL on a
// machine without a GPU): the median of RUNS openings of
//   ready    the page's script has run: the graph is read and drawn (sigma draws in its constructor);
//   painted  two frames later: the drawing is on screen;
//   images   every face the page counts has loaded or failed (counted after the first frame).
//   node tests/bench/network_page_open.js OUT/network.html [RUNS]     (default RUNS 5)
// Needs tests/js's playwright-core (scripts/setup installs it).
'use strict';
const path = require('path');
const { chromium } = require(path.join(__dirname, '../js/node_modules/playwright-core'));

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function open(browser, page_path) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const t0 = Date.now();
  await page.goto('file://' + path.resolve(page_path), { timeout: 300000, waitUntil: 'commit' });
  await page.waitForFunction(() => document.body && document.body.dataset.ready === '1', null, { timeout: 300000, polling: 50 });
  const ready = Date.now();
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const painted = Date.now();
  await page.waitForFunction(
    () => Number(document.body.dataset.imagesLoaded || 0) + Number(document.body.dataset.brokenImages) >= 2 * window.castnet.graph.order,
    null, { timeout: 300000, polling: 100 });
  const images = Date.now();
  const size = await page.evaluate(() => [window.castnet.graph.order, window.castnet.graph.size]);
  await page.close();
  return { ready: (ready - t0) / 1000, painted: (painted - t0) / 1000, images: (images - t0) / 1000, size };
}

(async () => {
  const [page_path, runs = '5'] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const seen = [];
  for (let i = 0; i < Number(runs); ++i) seen.push(await open(browser, page_path));
  await browser.close();
  const [people, links] = seen[0].size;
  console.log(`people=${people} links=${links} runs=${seen.length} ready_s=${median(seen.map((s) => s.ready))} ` +
              `painted_s=${median(seen.map((s) => s.painted))} images_s=${median(seen.map((s) => s.images))}`);
})();
