// Drives Debian's Chromium through OUT/network.html as a reader would, and prints what the C++
// test (tests/e2e/test_network_page.cpp) asserts, one `key=value` per line:
//   node network_page.js OUT/network.html SCREENSHOT.png [NAME TO SEARCH]
// - the page is ready and every node image (drawn face and file beside the page) loads;
// - hovering a person with the real mouse, where sigma drew it, shows that person's name;
// - the time window set on the sliders (their input event dispatched) hides exactly the people
//   with no spell in it;
// - a name typed in the search box shows that person.
'use strict';
const { chromium } = require('playwright-core');

const [page_path, screenshot, wanted] = process.argv.slice(2);
const say = (key, value) => process.stdout.write(`${key}=${value}\n`);

async function hover(page) {
  // The named person drawn largest; its place on screen from sigma's own camera.
  const target = await page.evaluate(() => {
    const { graph, renderer } = window.castnet;
    const nodes = graph.nodes().filter((n) => !String(graph.getNodeAttribute(n, 'label')).startsWith('person '));
    const node = (nodes.length ? nodes : graph.nodes()).sort((a, b) => graph.getNodeAttribute(b, 'size') - graph.getNodeAttribute(a, 'size'))[0];
    const at = renderer.graphToViewport({ x: graph.getNodeAttribute(node, 'x'), y: graph.getNodeAttribute(node, 'y') });
    const box = document.getElementById('graph').getBoundingClientRect();
    return { node, label: graph.getNodeAttribute(node, 'label'), x: box.left + at.x, y: box.top + at.y };
  });
  await page.mouse.move(target.x - 40, target.y - 40);
  await page.mouse.move(target.x, target.y, { steps: 5 });
  await page.waitForTimeout(300);
  say('hover_label', target.label);
  say('hover_shown', await page.textContent('#person-name').catch(() => ''));
  await page.screenshot({ path: screenshot });
  await page.mouse.move(2, 2);
}

async function time_window(page) {
  const r = await page.evaluate(async () => {
    const data = JSON.parse(document.getElementById('castnet-data').textContent);
    const { graph, renderer } = window.castnet;
    // The window: the first interval of the person seen last, so that earlier people drop out.
    const last = graph.nodes().sort((a, b) => data.spells[b][0][0] - data.spells[a][0][0])[0];
    const [from, to] = [data.spells[last][0][0], data.spells[last][0][0] + data.interval];
    for (const [id, v] of [['from', from], ['to', to]]) {
      const s = document.getElementById(id);
      s.value = v;
      s.dispatchEvent(new Event('input', { bubbles: true }));
    }
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const expected = (n) => data.spells[n].some(([a, b]) => a <= to && b > from);
    let wrong = 0, hidden = 0, shown = 0;
    for (const n of graph.nodes()) {
      const isHidden = !!renderer.getNodeDisplayData(n).hidden;
      hidden += isHidden, shown += !isHidden;
      wrong += isHidden === expected(n);
    }
    return { hidden, shown, wrong };
  });
  say('window_hidden', r.hidden);
  say('window_shown', r.shown);
  say('window_wrong', r.wrong);
}

async function search(page) {
  const name = wanted || await page.evaluate(() => {
    const { graph } = window.castnet;
    const named = graph.nodes().map((n) => graph.getNodeAttribute(n, 'label')).filter((l) => !l.startsWith('person '));
    return (named.length ? named : graph.nodes().map((n) => graph.getNodeAttribute(n, 'label'))).sort().slice(-1)[0];
  });
  await page.fill('#search', name.slice(0, Math.max(3, name.length - 2)).toUpperCase());
  await page.press('#search', 'Enter');
  await page.waitForTimeout(100);
  say('search_for', name);
  say('search_shown', await page.textContent('#person-name').catch(() => ''));
}

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('file://' + page_path);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
    const order = await page.evaluate(() => window.castnet.graph.order);
    await page.waitForFunction((n) => Number(document.body.dataset.imagesLoaded || 0) + Number(document.body.dataset.brokenImages) >= 2 * n,
                               order, { timeout: 30000 }).catch(() => {});
    say('nodes', order);
    say('images_loaded', await page.evaluate(() => document.body.dataset.imagesLoaded || 0));
    say('images_broken', await page.evaluate(() => document.body.dataset.brokenImages));
    await hover(page);
    await time_window(page);
    await search(page);
    say('errors', errors.length ? errors.join(' | ') : 'none');
  } finally {
    await browser.close();
  }
})().catch((e) => {
  process.stderr.write(String(e.stack || e) + '\n');
  process.exit(1);
});
