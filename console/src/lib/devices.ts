/**
 * A session's device in words, from the User-Agent its browser sent at sign-in: "Firefox on
 * Linux", "Safari on iPhone". Pure, for tests/console-unit. Only for people to recognise their
 * devices by: a User-Agent is whatever the client says, so nothing is decided from it.
 */

/** Most specific first: Edge and Opera also say "Chrome", Chrome also says "Safari". */
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChromium\//, 'Chromium'],
  [/\b(?:Headless)?Chrome\/|\bCriOS\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\bWindows\b/, 'Windows'],
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

export const UNKNOWN_DEVICE = 'Unknown device';

export function describeDevice(userAgent: string | null | undefined): string {
  const text = userAgent?.trim() ?? '';
  if (text === '') return UNKNOWN_DEVICE;
  const browser = BROWSERS.find(([pattern]) => pattern.test(text))?.[1];
  if (!browser) return text;
  const system = SYSTEMS.find(([pattern]) => pattern.test(text))?.[1];
  return system ? `${browser} on ${system}` : browser;
}

/** Which picture stands for the device: a phone or tablet, or a computer. */
export function deviceKind(userAgent: string | null | undefined): 'handheld' | 'computer' {
  return /\b(?:iPhone|iPod|iPad|Android|Mobile)\b/.test(userAgent ?? '') ? 'handheld' : 'computer';
}
