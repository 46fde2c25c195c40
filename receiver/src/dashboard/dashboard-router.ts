import { Router } from 'express';
import type { DashboardDeps } from './deps.js';

export function createDashboardRouter(_deps: DashboardDeps): Router {
  return Router();
}
