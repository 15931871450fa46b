import { defineConfig, type Plugin } from 'vite'
import react from '@vitejs/plugin-react'

/**
 * Dev server only: Vite injects CSS as <style> elements for hot reload, which the page's strict
 * CSP (index.html) forbids; the production build links CSS files and keeps the strict policy.
 */
const devInlineStyles: Plugin = {
  name: 'dev-inline-styles',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
}

export default defineConfig({
  plugins: [react(), devInlineStyles],
  build: { target: 'es2022', sourcemap: true },
  // Test runs set VITE_NO_HMR: a file saved during a run must not reload a page mid-test.
  server: { port: 5173, strictPort: true, hmr: process.env.VITE_NO_HMR == null },
  preview: { port: 4173, strictPort: true }
})
