import { describe, expect, it } from 'vitest';
import { pastTense, procedureAction, routeAction } from './action-name';

describe('naming actions', () => {
  it('names a procedure by its resource and verb, in the past tense', () => {
    expect(procedureAction('billing.invoice.refund')).toBe('invoice.refunded');
    expect(procedureAction('user.changeRole')).toBe('user.role_changed');
    expect(procedureAction('post.create')).toBe('post.created');
    expect(procedureAction('org.members.apply')).toBe('members.applied');
    expect(procedureAction('invoice.get')).toBe('invoice.viewed');
    expect(procedureAction('mail.send')).toBe('mail.sent');
    expect(procedureAction('ping')).toBe('app.pinged');
    expect(procedureAction('apiKeys.revoke')).toBe('api_keys.revoked');
  });

  it('names a route by its resource and method, or by a verb posted to', () => {
    expect(routeAction('POST', '/invoices')).toBe('invoice.created');
    expect(routeAction('PATCH', '/api/invoices/:id')).toBe('invoice.updated');
    expect(routeAction('DELETE', '/policies/{id}')).toBe('policy.deleted');
    expect(routeAction('POST', '/invoices/:id/refund')).toBe('invoice.refunded');
    expect(routeAction('GET', '/addresses/42')).toBe('address.viewed');
    expect(routeAction('PUT', '/')).toBe('app.updated');
  });

  it('makes regular and irregular past tenses', () => {
    expect(['approve', 'copy', 'play', 'pay', 'export', 'created'].map(pastTense)).toEqual([
      'approved',
      'copied',
      'played',
      'paid',
      'exported',
      'created',
    ]);
  });
});
