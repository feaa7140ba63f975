// node slides/render-test.mjs OUT_DIR
//
// Opens every deck that slides/build.sh made (OUT_DIR/NN-name.html) in
// Chromium, as the audience will see it, and checks every slide:
//   - it shows something (text or an image);
//   - nothing runs off it: no code block wider or taller than its box,
//     nothing below the bottom edge;
//   - the deck has as many slides as its markdown (OUT_DIR/md/NN-name.md).
// Saves the first slide of each deck as OUT_DIR/NN-name.png.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

// Chromium on a closed network: no sandbox (we run as root), and none of
// the background requests it would otherwise wait on.
const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Slides in a Marp deck: one, plus one per `---` line outside code blocks,
// after the front matter.
function slidesInMarkdown(text) {
  let lines = text.split(/\r?\n/);
  if (lines[0] === '---') lines = lines.slice(lines.indexOf('---', 1) + 1);
  let count = 1;
  let inCode = false;
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) inCode = !inCode;
    else if (!inCode && line === '---') count++;
  }
  return count;
}

// Runs in the page: one report per slide. Marp draws each slide as
// <svg data-marpit-svg><foreignObject><section>; background images get
// sections of their own, marked data-marpit-advanced-background.
function inspectSlides() {
  // How a message names a block: an image by its file, text by its first line.
  const firstLine = (e) =>
    e.tagName === 'IMG' ? e.getAttribute('src') : e.textContent.trim().split('\n')[0];
  return [...document.querySelectorAll('svg[data-marpit-svg]')].map((svg) => {
    const slide = svg.querySelector(
      ':scope > foreignObject > section:not([data-marpit-advanced-background="background"])' +
      ':not([data-marpit-advanced-background="pseudo"])');
    const problems = [];
    // The page number and footer do not count as content.
    const body = [...slide.children].filter((e) => !['HEADER', 'FOOTER'].includes(e.tagName));
    const text = body.map((e) => e.innerText).join('').trim();
    if (!text && !svg.querySelector('img, figure')) problems.push('empty slide');
    for (const img of slide.querySelectorAll('img')) {
      if (!img.naturalWidth) problems.push(`image not found: ${img.getAttribute('src')}`);
    }

    for (const pre of slide.querySelectorAll('pre')) {
      const too = [];
      if (pre.scrollHeight > pre.clientHeight + 1) too.push('too long');
      if (pre.scrollWidth > pre.clientWidth + 1) too.push('too wide');
      if (too.length) problems.push(`code ${too.join(' and ')}: "${firstLine(pre)}"`);
    }
    if (slide.scrollHeight > slide.clientHeight + 1 || slide.scrollWidth > slide.clientWidth + 1) {
      // Name the first line of text or code that reaches into the bottom
      // margin (where the page number is) or past the right edge.
      const edge = slide.getBoundingClientRect();
      const scale = edge.height / slide.clientHeight;
      const bottom = edge.bottom - parseFloat(getComputedStyle(slide).paddingBottom) * scale;
      const blocks = body.flatMap((e) => [e, ...e.querySelectorAll('*')])
        .filter((e) => e.matches('h1, h2, h3, p, li, pre, table, img'));
      const past = blocks.find((e) => {
        const box = e.getBoundingClientRect();
        return (box.bottom > bottom + 1 || box.right > edge.right + 1) && firstLine(e);
      });
      problems.push(`content runs off the slide${past ? `: "${firstLine(past)}"` : ''}`);
    }
    return problems;
  });
}

async function checkDeck(browser, outDir, name) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  try {
    await page.goto(pathToFileURL(path.join(outDir, `${name}.html`)).href);
    await page.evaluate(() => document.fonts.ready);
    // The first slide, as the audience sees it first: without Marp's
    // on-screen buttons.
    await page.addStyleTag({ content: '.bespoke-marp-osc { display: none !important; }' });
    await page.screenshot({ path: path.join(outDir, `${name}.png`) });

    // Marp lays out only the current slide; lay them all out to measure them.
    await page.addStyleTag({
      content: 'svg[data-marpit-svg] { content-visibility: visible !important; }',
    });
    const slides = await page.evaluate(inspectSlides);

    const failures = [];
    const markdown = path.join(outDir, 'md', `${name}.md`);
    const expected = slidesInMarkdown(fs.readFileSync(markdown, 'utf8'));
    if (slides.length !== expected) {
      failures.push(`${slides.length} slides rendered, but ${markdown} has ${expected}` +
        ' (a `---` right under a line of text is a heading, not a new slide)');
    }
    slides.forEach((problems, i) => problems.forEach((p) => failures.push(`slide ${i + 1}: ${p}`)));
    return { count: slides.length, failures };
  } finally {
    await page.close();
  }
}

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node slides/render-test.mjs OUT_DIR');
  process.exit(2);
}
const decks = fs.readdirSync(outDir).filter((f) => /^\d\d-.*\.html$/.test(f)).sort();
if (decks.length === 0) {
  console.error(`render-test: no decks (NN-name.html) in ${outDir}: run slides/build.sh first`);
  process.exit(1);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  args: chromiumArgs,
});
let failed = 0;
try {
  for (const file of decks) {
    const name = path.basename(file, '.html');
    const { count, failures } = await checkDeck(browser, outDir, name);
    if (failures.length === 0) {
      console.log(`render-test: ${name}: ok, ${count} slides`);
    } else {
      failed++;
      console.log(`render-test: ${name}: FAILED`);
      for (const failure of failures) console.log(`  ${failure}`);
    }
  }
} finally {
  await browser.close();
}
console.log(`${decks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
