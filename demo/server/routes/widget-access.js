// @ts-check
/**
 * The checks of a widget configuration's id (docs/protocol.md, "Widget configurations"), shared by
 * `GET /embed/config/:id` (embed.js), the keyless form `widget:<id>` (access.js), and the requests
 * and WebSocket upgrades of a conversation started through a widget (access.js, sockets/index.js).
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
  checkWidgetUse(widget, tenant, origin);
  return { widget, tenant };
}

/**
 * The refusals of a widget that exists: switched off, or not allowed on `origin` (its allowed
 * domains, else its tenant's allowed origins).
 * @param {import('../store/widgets.js').Widget} widget
 * @param {import('../types.js').Tenant} tenant
 * @param {string | undefined} origin
 * @throws {ApiError} 403 `widget_inactive`, 403 `origin_not_allowed`
 */
export function checkWidgetUse(widget, tenant, origin) {
  if (!widget.active) {
    throw new ApiError(
      403,
      'widget_inactive',
      `Widget ${JSON.stringify(widget.id)} is switched off. Fix: turn it on in the console's widget settings.`,
    );
  }
  if (!isOriginAllowed(widgetOrigins(widget, tenant), origin)) {
    throw new ApiError(
      403,
      'origin_not_allowed',
      `Origin ${JSON.stringify(origin ?? '')} may not show widget ${JSON.stringify(widget.id)}. Fix: add it to the widget's allowed domains.`,
    );
  }
}

/**
 * The check of a conversation started through a widget (the session token's `widgetId`), on every
 * visitor request and WebSocket upgrade of it, whatever key the request carries: the widget must
 * still be on and allow the page's origin. A widget deleted since leaves the conversation to its
 * tenant's rules.
 * @param {import('./index.js').Deps} deps
 * @param {string | undefined} widgetId
 * @param {import('../types.js').Tenant} tenant
 * @param {string | undefined} origin
 * @returns {Promise<boolean>} true when a widget's rules applied (and passed); false: the tenant's apply
 * @throws {ApiError} 403 `widget_inactive`, 403 `origin_not_allowed`
 */
export async function checkConversationWidget(deps, widgetId, tenant, origin) {
  if (!widgetId) return false;
  const widget = await deps.store.widgets.byId(widgetId);
  if (!widget || widget.tenantId !== tenant.id) return false;
  checkWidgetUse(widget, tenant, origin);
  return true;
}
