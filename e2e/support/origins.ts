/**
 * Where the test servers listen. Ports come from the environment so a second checkout (a CI dry run
 * beside a developer's servers) can run its own; playwright.config.ts starts servers on these.
 */
export const DEV_PORT = Number(process.env.E2E_DEV_PORT ?? 5173)
export const APP_PORT = Number(process.env.E2E_APP_PORT ?? 4173)

/** The Vite dev server serving the test harness pages under e2e/harness/. */
export const HARNESS_ORIGIN = process.env.HARNESS_ORIGIN ?? `http://127.0.0.1:${DEV_PORT}`
/** The production build, as users get it. */
export const APP_URL = process.env.APP_URL ?? `http://127.0.0.1:${APP_PORT}/`
