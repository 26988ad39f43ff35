import { describe, expect, it } from 'vitest';
import { mapExoAnswer, parseExoError } from '../../../src/adapters/exchange/errors.js';

const ctx = { cmdlet: 'Get-TransportRule', clientId: 'a3c5e7f9-1b2d-4e6f-8a0c-2e4f6a8c0e1f' };

/** The body the endpoint sent for a missing object (as seen in the wild). */
const notFound = JSON.stringify({
  error: {
    code: 'NotFound',
    message: 'Error executing cmdlet',
    details: [
      {
        code: 'Context',
        target: '',
        message:
          "Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object 'x' couldn't be found on 'SYYP282A05DC002.PROD.OUTLOOK.COM'.",
      },
    ],
    innererror: { message: 'Error executing cmdlet', type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException', stacktrace: '' },
  },
});

describe('Exchange admin error bodies', () => {
  it('reads details[].message first, splitting the exception type from the text', () => {
    expect(parseExoError(notFound)).toEqual({
      message: "The operation couldn't be performed because object 'x' couldn't be found on 'SYYP282A05DC002.PROD.OUTLOOK.COM'.",
      exception: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
      code: 'NotFound',
    });
  });

  it('falls back to innererror.internalException.message, whatever its casing, then to error.message', () => {
    const inner = (key: string) =>
      JSON.stringify({
        error: {
          code: 'BadRequest',
          message: 'Error executing cmdlet',
          innererror: { message: 'outer', [key]: { message: 'The real reason.', type: 'System.ArgumentException' } },
        },
      });
    expect(parseExoError(inner('internalException'))).toMatchObject({ message: 'The real reason.', exception: 'System.ArgumentException' });
    expect(parseExoError(inner('internalexception'))).toMatchObject({ message: 'The real reason.' });
    const plain = JSON.stringify({
      error: {
        code: 'Unauthorized',
        message: 'User is not allowed to call Get-Mailbox',
        innererror: { message: 'User is not allowed to call Get-Mailbox' },
      },
    });
    expect(parseExoError(plain)).toEqual({ message: 'User is not allowed to call Get-Mailbox', code: 'Unauthorized' });
    expect(parseExoError('<html>Bad gateway</html>')).toBeUndefined();
  });

  it('maps a missing object to NotFound', () => {
    expect(mapExoAnswer({ status: 404, headers: {}, body: notFound }, ctx).code).toBe('NotFound');
  });

  it('maps 403 and 401 to InsufficientPermission naming the permission and the roles', () => {
    for (const status of [401, 403]) {
      const body = JSON.stringify({
        error: { code: 'Forbidden', message: `The role assigned to application ${ctx.clientId} isn't supported in this scenario.` },
      });
      const error = mapExoAnswer({ status, headers: {}, body }, ctx);
      expect(error.code).toBe('InsufficientPermission');
      expect(error.userMessage).toContain('Exchange.ManageAsApp');
      expect(error.userMessage).toContain('a read role: the Entra role Global Reader');
      expect(error.userMessage).toContain(
        'the Exchange role "View-Only Configuration" (in the role group "View-Only Organization Management")',
      );
      expect(error.userMessage).not.toContain('"Transport Rules"');
      expect(error.userMessage).toContain(ctx.clientId);
    }
  });

  it("names the write role and Exchange Administrator when a fix's cmdlet is refused", () => {
    const body = JSON.stringify({ error: { code: 'Forbidden', message: 'Access denied.' } });
    const error = mapExoAnswer({ status: 403, headers: {}, body }, { ...ctx, cmdlet: 'Set-TransportRule' });
    expect(error.code).toBe('InsufficientPermission');
    expect(error.userMessage).toContain('a role that may change this (fixes): the Entra role Exchange Administrator');
    expect(error.userMessage).toContain('the Exchange role "Transport Rules" (in the role group "Organization Management")');
  });

  it('maps a cmdlet hidden by RBAC ("not recognized") to InsufficientPermission', () => {
    const body = JSON.stringify({
      error: {
        code: 'BadRequest',
        message: 'Error executing cmdlet',
        details: [
          {
            message:
              "Ex1|System.Management.Automation.CommandNotFoundException|The term 'Get-TransportRule' is not recognized as a name of a cmdlet.",
          },
        ],
      },
    });
    expect(mapExoAnswer({ status: 400, headers: {}, body }, ctx).code).toBe('InsufficientPermission');
  });

  it('maps 429, 5xx and other answers to throttled, unavailable and rejected', () => {
    expect(mapExoAnswer({ status: 429, headers: { 'retry-after': '20' }, body: '' }, ctx).code).toBe('AdapterThrottled');
    const unavailable = mapExoAnswer({ status: 503, headers: {}, body: '<html/>' }, ctx);
    expect(unavailable.code).toBe('AdapterUnavailable');
    expect(unavailable.userMessage).toContain('HTTP 503');
    expect(mapExoAnswer({ status: 400, headers: {}, body: '{"error":{"code":"BadRequest","message":"nope"}}' }, ctx).userMessage).toContain(
      'nope',
    );
  });
});
