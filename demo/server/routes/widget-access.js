// @ts-check
/**
 * The checks of a widget configuration's id (docs/protocol.md, "Widget configurations"), shared by
 * `GET /embed/config/:id` (embed.js) and the keyless form `widget:<id>` (access.js).
 */
import { ApiError } from '../errors.js';
import { isOriginAllowed } from '../origins.js';

/**
 * The origins a widget may run on: its own list, else its tenant's.
 * @param {import('../store/widgets.js').Widget} widget
 * @param {import('../types.js').Tenant} tenant
 */
export const widgetOrigins = (widget, tenant) => (widget.allowedDomains.length ? widget.allowedDomains : tenant.allowedOrigins);

/**
 * The widget of `id` and its tenant, if the widget may serve a page of `origin`.
 * @param {import('./index.js').Deps} deps
 * @param {string} id
 * @param {string | undefined} origin
 * @throws {ApiError} 404 `unknown_widget`, 403 `widget_inactive`, 403 `origin_not_allowed`
 */
export async function requireWidget(deps, id, origin) {
  const widget = /^w_[A-Za-z0-9_-]{4,40}$/.test(id) ? await deps.store.widgets.byId(id) : null;
  const tenant = widget ? await deps.store.tenants.byId(widget.tenantId) : null;
  if (!widget || !tenant || tenant.disabled) {
    throw new ApiError(
      404,
      'unknown_widget',
      `No widget ${JSON.stringify(id.slice(0, 64))}. Fix: copy the widget id from the console's widget settings.`,
    );
  }
  if (!widget.active) {
    throw new ApiError(
      403,
      'widget_inactive',
      `Widget ${JSON.stringify(id)} is switched off. Fix: turn it on in the console's widget settings.`,
    );
  }
  if (!isOriginAllowed(widgetOrigins(widget, tenant), origin)) {
    throw new ApiError(
      403,
      'origin_not_allowed',
      `Origin ${JSON.stringify(origin ?? '')} may not show widget ${JSON.stringify(id)}. Fix: add it to the widget's allowed domains.`,
    );
  }
  return { widget, tenant };
}
