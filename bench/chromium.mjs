// @ts-check
/**
 * Debian's Chromium for the page benchmarks, with the flags this machine needs (no sandbox as
 * root, no GPU, no background downloads or updates): one launch for every benchmark, so they all
 * measure the same browser the same way. CHROME_PATH points at another build.
 */
import puppeteer from 'puppeteer-core';

export const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/**
 * Launches headless Chromium.
 * @param {string[]} [extra] more flags (`--disable-quic` for pages served over HTTP/1.1 only)
 */
export function launchChromium(extra = []) {
  return puppeteer.launch({ executablePath: CHROME, headless: true, args: [...FLAGS, ...extra] });
}
