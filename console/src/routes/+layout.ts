// A single-page app: server/http.ts serves index.html for every route; the pages load in the browser.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';
