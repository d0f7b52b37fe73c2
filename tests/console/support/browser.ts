/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEFAULT_PASSWORD } from '../../support/factories.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = 'test-results/screenshots';
/** Where a failed test leaves what the browser last did, a screenshot and the page's HTML. */
export const FAILURES = 'test-results/failures';
const JOURNAL_SIZE = 300;

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Everything the browser's console reported as an error, and uncaught exceptions. */
  readonly consoleErrors: string[];
  /** Saves the recent requests, navigations and console messages, a screenshot and the HTML under FAILURES. */
  saveFailure(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface BrowserOptions {
  userAgent?: string;
  /**
   * The address the browser knows the server by, when not its own (the public URL its emails link
   * to): relative paths go there, and so do the emailed links, opened as they were sent.
   */
  origin?: string;
}

/**
 * Debian's Chromium, headless, on a fresh profile (never a downloaded browser): each is a device
 * of its own, with its own cookies. The page's console errors and uncaught exceptions are
 * collected: a test ends by asserting there were none.
 */
export async function openBrowser(baseURL: string, viewport = DESKTOP, options: BrowserOptions = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'tracker-chromium-'));
  const server = new URL(baseURL);
  const origin = options.origin ? new URL(options.origin) : server;
  // The server under another name: Chromium resolves the origin's host to the server's address and port.
  const resolve = origin.host === server.host ? [] : [`--host-resolver-rules=MAP ${origin.hostname} ${server.hostname}:${server.port}`];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    baseURL: origin.origin,
    viewport,
    // Another device, as the server sees it (the sessions' list names devices by their User-Agent).
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...resolve],
  });
  context.setDefaultTimeout(10_000);
  const consoleErrors: string[] = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  // What the page did lately, for a failed test to leave behind.
  const journal: string[] = [];
  const note = (line: string) => {
    journal.push(`${new Date().toISOString()} ${line}`);
    if (journal.length > JOURNAL_SIZE) journal.shift();
  };
  page.on('request', (request) => note(`request ${request.method()} ${request.url()} ${request.postData()?.slice(0, 160) ?? ''}`));
  page.on('response', (response) => note(`response ${response.status()} ${response.url()}`));
  page.on('framenavigated', (frame) => frame === page.mainFrame() && note(`navigated ${frame.url()}`));
  page.on('console', (message) => note(`console.${message.type()} ${message.text()}`));
  page.on('pageerror', (error) => note(`uncaught ${error.message}`));
  return {
    context,
    page,
    consoleErrors,
    async saveFailure(name) {
      const base = join(FAILURES, name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80));
      mkdirSync(FAILURES, { recursive: true });
      writeFileSync(`${base}.txt`, `${journal.join('\n')}\nurl ${page.url()}\n\n${await page.content().catch(() => '(no content)')}\n`);
      await page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => undefined);
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the sign-in page and signs in. */
export async function signIn(page: Page, email: string, password = DEFAULT_PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await submitSignIn(page, email, password);
}

/** Signs in on the sign-in page already shown (keeping where it will go next). */
export async function submitSignIn(page: Page, email: string, password = DEFAULT_PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  // Let toasts and transitions settle so that screenshots are stable.
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Every input, select and textarea on the page has a label bound to it (or names itself). */
export async function expectLabelledInputs(page: Page): Promise<void> {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement>('input, select, textarea')]
      .filter((el) => el.type !== 'hidden' && (el.labels?.length ?? 0) === 0)
      .map((el) => el.outerHTML),
  );
  expect(unlabelled).toEqual([]);
}

/** Nothing sticks out sideways (the phone-width check). */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
}

/** The element is wholly inside the viewport's width (not cut off at either edge). */
export async function expectWithinViewport(locator: Locator): Promise<void> {
  const box = await locator.boundingBox();
  const width = locator.page().viewportSize()?.width ?? 0;
  expect(box, 'the element has a box').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

/**
 * Holds the page's animation frames until `release()`: a busy device whose next frame comes late
 * while clicks and keys still arrive. Only the page's own callbacks wait (Playwright's checks run
 * in a world of their own). `release()` puts requestAnimationFrame back, runs what was held in the
 * next real frame and returns once it has run.
 */
export async function holdAnimationFrames(page: Page): Promise<{ release(): Promise<void> }> {
  await page.evaluate(() => {
    const w = window as Window & { heldFrames?: { callbacks: FrameRequestCallback[]; real: typeof requestAnimationFrame } };
    const callbacks: FrameRequestCallback[] = [];
    w.heldFrames = { callbacks, real: w.requestAnimationFrame.bind(w) };
    w.requestAnimationFrame = (callback) => callbacks.push(callback);
  });
  return {
    release: () =>
      page.evaluate(
        () =>
          new Promise<void>((resolve) => {
            const w = window as Window & { heldFrames?: { callbacks: FrameRequestCallback[]; real: typeof requestAnimationFrame } };
            const { callbacks, real } = w.heldFrames!;
            w.requestAnimationFrame = real;
            real((time) => {
              for (const callback of callbacks.splice(0)) callback(time);
              resolve();
            });
          }),
      ),
  };
}

/** Waits until the locator is visible (a failed wait fails the test with the locator's name). */
export async function visible(locator: Locator): Promise<Locator> {
  await locator.waitFor({ state: 'visible' });
  return locator;
}
