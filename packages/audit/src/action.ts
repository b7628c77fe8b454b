/**
 * Action names read as `domain.verb_past`, e.g. `user.role_changed` or
 * `billing.plan_changed`; a nested domain (`org.member.invited`) is allowed. Lower case,
 * digits and underscores only, so facets and prefix filters stay predictable.
 */
export const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){1,3}$/;

export const ACTION_RULE =
  'must look like domain.verb_past (e.g. user.role_changed): lower-case words joined by dots';

/**
 * A filter value ending in `*` matches every action that starts with what precedes it,
 * taken literally (`_` is an underscore, never a wildcard); any other value is exact.
 */
export function actionFilter(value: string): { exact: string } | { prefix: string } {
  return value.endsWith('*') ? { prefix: value.slice(0, -1) } : { exact: value };
}
