import adapter from '@sveltejs/adapter-static';

/** The admin console: a static single-page app that server/http.ts serves at `/`. */
const config = {
  compilerOptions: { runes: true },
  kit: {
    // index.html doubles as the page for every client-side route (server/http.ts serves it).
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', precompress: true, strict: true }),
    alias: { $server: '../server' },
    version: { pollInterval: 0 },
  },
};

export default config;
