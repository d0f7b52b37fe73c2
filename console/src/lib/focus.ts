import { tick } from 'svelte';

/**
 * Moves focus to the first element matching `selector` once the page shows the state just set
 * (a form opened, errors marked). It runs in the same task as the click that changed the state,
 * right after Svelte's update, so nothing the person does next can come in between. A move put
 * off to the next frame (requestAnimationFrame) lands after whatever they clicked or typed
 * meanwhile, and takes the focus from under them: the rest of what they type goes into another
 * field. Frames come late on a busy device, and never in a tab that is not drawn.
 */
export async function focusWhenShown(selector: string): Promise<void> {
  await tick();
  document.querySelector<HTMLElement>(selector)?.focus();
}
