// @ts-check
/**
 * @web/test-runner plugin for the visual regression tests (test/visual/*.test.ts). Server commands:
 *
 * - `visual-setup` → fixes what would make screenshots differ between runs: the time zone (UTC),
 *   `prefers-reduced-motion: reduce`, the device scale factor (1).
 * - `visual-compare` `{ name, clip: { x, y, width, height } }` → screenshots that rectangle of the
 *   page and compares it with test/visual/baselines/<name>.png using pixelmatch (anti-aliasing
 *   ignored, per-pixel threshold 0.1). Answers `{ diffPixels, total, ratio, width, height,
 *   baseline, written }`. A mismatch (or a missing baseline) leaves `<name>.actual.png` and
 *   `<name>.diff.png` in test-results/visual/ to look at.
 *
 * Environment:
 * - `AMOIQ_UPDATE_SCREENSHOTS=1` writes the screenshots as the new baselines (then review and
 *   commit the PNGs; docs/theming.md, "Visual regression tests").
 * - `AMOIQ_SCREENSHOT_DIR=<dir>` also saves every screenshot there (the before/after pictures of
 *   docs/screenshots/).
 *
 * Needs the Chrome launcher (its sessions have a puppeteer Page).
 */
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

const here = dirname(fileURLToPath(import.meta.url));
const BASELINES = join(here, 'baselines');
const RESULTS = resolve(here, '../../test-results/visual');

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function visualPlugin() {
  return {
    name: 'amoiq-visual',
    async executeCommand({ command, session, payload }) {
      if (command !== 'visual-setup' && command !== 'visual-compare') return undefined;
      const page = /** @type {any} */ (session.browser).getPage(session.id);
      if (command === 'visual-setup') {
        await page.emulateTimezone('UTC');
        await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
        return true;
      }
      const { name, clip } = /** @type {{ name: string, clip: { x: number, y: number, width: number, height: number } }} */ (payload);
      if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`visual-compare: bad name ${name}`);
      const rect = {
        x: Math.floor(clip.x),
        y: Math.floor(clip.y),
        width: Math.ceil(clip.width),
        height: Math.ceil(clip.height),
      };
      const shot = Buffer.from(await page.screenshot({ type: 'png', clip: rect, captureBeyondViewport: false }));
      const extra = process.env.AMOIQ_SCREENSHOT_DIR;
      if (extra) {
        mkdirSync(extra, { recursive: true });
        writeFileSync(join(extra, `${name}.png`), shot);
      }
      const file = join(BASELINES, `${name}.png`);
      if (process.env.AMOIQ_UPDATE_SCREENSHOTS === '1') {
        mkdirSync(BASELINES, { recursive: true });
        writeFileSync(file, shot);
        return {
          diffPixels: 0,
          total: rect.width * rect.height,
          ratio: 0,
          width: rect.width,
          height: rect.height,
          baseline: true,
          written: true,
        };
      }
      const actual = PNG.sync.read(shot);
      if (!existsSync(file)) {
        mkdirSync(RESULTS, { recursive: true });
        writeFileSync(join(RESULTS, `${name}.actual.png`), shot);
        return { diffPixels: -1, total: 0, ratio: 1, width: actual.width, height: actual.height, baseline: false, written: false };
      }
      const expected = PNG.sync.read(readFileSync(file));
      const total = expected.width * expected.height;
      if (expected.width !== actual.width || expected.height !== actual.height) {
        mkdirSync(RESULTS, { recursive: true });
        writeFileSync(join(RESULTS, `${name}.actual.png`), shot);
        return { diffPixels: total, total, ratio: 1, width: actual.width, height: actual.height, baseline: true, written: false };
      }
      const diff = new PNG({ width: actual.width, height: actual.height });
      const diffPixels = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, { threshold: 0.1 });
      if (diffPixels > 0) {
        mkdirSync(RESULTS, { recursive: true });
        writeFileSync(join(RESULTS, `${name}.actual.png`), shot);
        writeFileSync(join(RESULTS, `${name}.diff.png`), PNG.sync.write(diff));
      }
      return { diffPixels, total, ratio: diffPixels / total, width: actual.width, height: actual.height, baseline: true, written: false };
    },
  };
}
