import type { Hono } from 'hono'
import type { DuckService } from '../core/service'

/** Every /v1 route: parse with the shared schemas, call the service, answer JSON. */
export function registerRoutes(app: Hono, service: DuckService): void {
  app.get('/v1/health', (c) => c.json(service.health()))
}
