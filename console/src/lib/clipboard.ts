import { announce } from './announcer.svelte.js';

/**
 * Copies `text` and says so. The clipboard may be refused (an insecure origin, a browser's
 * permission): the text stays on the page, to be selected and copied by hand.
 */
export async function copyText(text: string, what: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    announce('success', `${what} copied to the clipboard`);
    return true;
  } catch {
    announce('error', `Could not copy ${what.toLowerCase()}: select the text and copy it yourself`);
    return false;
  }
}

/** Saves `text` as a file of the browser's downloads, made here (a Blob URL: nothing leaves the page). */
export function downloadText(fileName: string, text: string, type = 'text/plain;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has started the download: the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
