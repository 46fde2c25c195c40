// The dashboard (signed in with the admin token) and the public /stats page, as one express
// router the receiver's app mounts after its API routes.
export { createDashboardRouter } from './dashboard-router.js';
export type { DashboardDeps, DashboardLogger } from './deps.js';
