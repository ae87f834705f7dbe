// browser.js - the one launcher of headless Chromium (Debian's, through
// playwright-core) for every browser test: the node's pages (tests/web), the
// hub's operator pages (tests/hubweb) and the dashboard (tests/dashboard).
//
// Chromium is started as a Chinese-speaking staff PC runs it: its own user
// interface language (--lang, and LANGUAGE, which Chromium reads on Linux),
// the page locale (navigator.language, Intl) and the Accept-Language
// header are all zh-CN, so that what Chromium draws itself - the date and
// month inputs' placeholders and pickers, the file chooser's button - speaks
// Chinese in the screenshots as it does on the community's PC.  Debian's
// Chromium has those words only with chromium-l10n installed (.ci/install-deps);
// without it they stay English whatever the flags say, so that is refused.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const LOCALE = 'zh-CN';
const DEBIAN_LOCALES = '/usr/lib/chromium/locales';

// Debian's Chromium without its Chinese resources draws its widgets in English.
function checkLocalePak(exe) {
  if (exe !== '/usr/bin/chromium' || !fs.existsSync(DEBIAN_LOCALES)) return;
  if (!fs.existsSync(path.join(DEBIAN_LOCALES, `${LOCALE}.pak`))) {
    throw new Error(`Chromium has no ${LOCALE} resources (${DEBIAN_LOCALES}/${LOCALE}.pak): ` +
      'its date inputs would speak English; install chromium-l10n (.ci/install-deps)');
  }
}

// Launch Chromium with a fresh profile; resolves to the browser context,
// closed (and its profile removed) when test t ends.  opts.viewport
// ({ width, height }, default 1200x900) and opts.prefix (the profile
// directory's name prefix).
async function launchBrowser(t, opts = {}) {
  const modules = process.env.LINLI_WEB_MODULES;
  const { chromium } = require(modules ? path.resolve(modules, 'playwright-core') : 'playwright-core');
  const exe = process.env.LINLI_CHROMIUM || '/usr/bin/chromium';
  checkLocalePak(exe);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), opts.prefix || 'linli-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: exe,
    headless: true,
    locale: LOCALE,
    // LANGUAGE only: LANG=zh_CN.UTF-8 on a machine without that locale generated
    // leaves Chromium unable to read a file path in Chinese (an upload never starts).
    env: { ...process.env, LANGUAGE: 'zh_CN:zh' },
    viewport: opts.viewport || { width: 1200, height: 900 },
    args: ['--headless', `--lang=${LOCALE}`, `--accept-lang=${LOCALE},zh`, '--no-sandbox',
      '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  if (t) {
    t.after(async () => {
      await ctx.close();
      fs.rmSync(profile, { recursive: true, force: true });
    });
  }
  return ctx;
}

module.exports = { launchBrowser, LOCALE };
