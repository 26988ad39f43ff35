import { describe, expect, it } from 'vitest';
import { PLANNERS } from '../../src/checks/fixes.js';
import { CATALOGUE } from '../../src/checks/registry.js';
import { basisOf, erpCall, exchangeCall, renderCall } from '../../src/engine/fix.js';

describe('the fix model', () => {
  it('hashes the observed values, not their key order or absent keys', () => {
    const a = basisOf({ connector: { Identity: 'X', SenderIPAddresses: ['203.0.113.10'] }, extra: undefined });
    const b = basisOf({ connector: { SenderIPAddresses: ['203.0.113.10'], Identity: 'X' } });
    expect(a).toBe(b);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(basisOf({ connector: { Identity: 'X', SenderIPAddresses: ['203.0.113.11'] } })).not.toBe(a);
  });

  it('shows an Exchange call as the PowerShell an admin would type, quoting every value', () => {
    const call = exchangeCall('Set-InboundConnector', {
      Identity: "Bob's relay",
      Enabled: true,
      SenderIPAddresses: { Add: ['203.0.113.10'], Remove: ['198.51.100.0/24'] },
    });
    expect(renderCall(call)).toBe(
      "Set-InboundConnector -Identity 'Bob''s relay' -Enabled $true -SenderIPAddresses @{Add='203.0.113.10'; Remove='198.51.100.0/24'}",
    );
  });

  it('keeps parameters typed: a value with PowerShell syntax stays one string parameter', () => {
    const call = exchangeCall('Set-TransportRule', { Identity: "x'; Remove-InboundConnector -Identity *; '" });
    expect(call.parameters).toEqual({ Identity: "x'; Remove-InboundConnector -Identity *; '" });
    expect(renderCall(call)).toBe("Set-TransportRule -Identity 'x''; Remove-InboundConnector -Identity *; '''");
  });

  it('refuses anything but a write cmdlet', () => {
    expect(() => exchangeCall('Remove-InboundConnector', { Identity: 'x' })).toThrow(/not a write cmdlet/);
  });

  it('shows an ERP call as the ORM call', () => {
    expect(
      renderCall(erpCall('ir.mail_server', 'write', [3], { vals: { smtp_port: 25, smtp_user: false, from_filter: 'contoso.test' } })),
    ).toBe("ir.mail_server.write([3], vals={'smtp_port': 25, 'smtp_user': False, 'from_filter': 'contoso.test'})");
    expect(renderCall(erpCall('ir.config_parameter', 'set_param', undefined, { key: 'web.base.url.freeze', value: 'True' }))).toBe(
      "ir.config_parameter.set_param(key='web.base.url.freeze', value='True')",
    );
  });

  it('has one planner for every check whose meta says fixable, and none for the others', () => {
    const fixable = CATALOGUE.filter((c) => c.meta.fixable).map((c) => c.meta.id);
    expect(PLANNERS.map((p) => p.checkId).sort()).toEqual(fixable.sort());
  });
});
