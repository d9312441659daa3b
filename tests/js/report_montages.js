// Photographs report.html's montages in Debian's Chromium, as a reader scrolls to them, and prints
// what the C++ test (tests/e2e/test_network_page.cpp) asserts, one `key=value` per line: how many
// montages loaded, and each one's box on screen (width x height).
//   node report_montages.js OUT/report.html SCREENSHOT.png
'use strict';
const { chromium } = require('playwright-core');

const [page_path, screenshot] = process.argv.slice(2);
const say = (key, value) => process.stdout.write(`${key}=${value}\n`);

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto('file://' + page_path);
    const section = await page.$('.montages');
    await section.scrollIntoViewIfNeeded();
    // They load as they are scrolled to (loading="lazy"): wait until every one has.
    await page.evaluate(() => { for (const img of document.querySelectorAll('.montages img')) img.loading = 'eager'; });
    await page.waitForFunction(() => [...document.querySelectorAll('.montages img')].every((i) => i.complete && i.naturalWidth > 0),
                               null, { timeout: 30000 });
    const boxes = await page.evaluate(() => [...document.querySelectorAll('.montages img')].map((i) => {
      const r = i.getBoundingClientRect();
      return `${Math.round(r.width)}x${Math.round(r.height)}`;
    }));
    say('montages', boxes.length);
    say('boxes', boxes.join(' '));
    await section.screenshot({ path: screenshot });
  } finally {
    await browser.close();
  }
})().catch((e) => {
  process.stderr.write(String(e.stack || e) + '\n');
  process.exit(1);
});
