import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    host: '127.0.0.1',
    // `npm run dev:console` next to `npm start`: the API stays on its own port.
    proxy: { '/graphql': 'http://127.0.0.1:4000' },
  },
  build: { sourcemap: false, reportCompressedSize: false, rolldownOptions: { checks: { pluginTimings: false } } },
});
