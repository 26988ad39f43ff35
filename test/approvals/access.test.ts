import { describe, expect, it } from 'vitest';
import { type AccessConfig, scopeOf } from '../../src/approvals/access.js';

const access: AccessConfig = {
  channels: [
    { id: 'C0CONTOSO', tenants: ['contoso'] },
    { id: '19:fabrikam@thread.tacv2', tenants: ['fabrikam'] },
  ],
  users: [{ id: 'slack:UANA', tenants: ['contoso', 'fabrikam'] }],
};

describe('access: which tenants a command from here sees', () => {
  it('gives a bound channel only its tenants', () => {
    expect(scopeOf(access, ['contoso', 'fabrikam'], { platform: 'slack', userId: 'UBEN', channelId: 'C0CONTOSO' })).toEqual({
      tenants: ['contoso'],
    });
    expect(scopeOf(access, ['contoso', 'fabrikam'], { platform: 'teams', userId: 'x', channelId: '19:fabrikam@thread.tacv2' })).toEqual({
      tenants: ['fabrikam'],
    });
  });

  it('refuses an unbound channel and a DM from someone not listed, saying why', () => {
    expect(scopeOf(access, ['contoso'], { platform: 'slack', userId: 'UBEN', channelId: 'C0OTHER' })).toEqual({
      refused: 'this channel is not bound to a tenant (access.channels)',
    });
    expect(scopeOf(access, ['contoso'], { platform: 'slack', userId: 'UBEN', personal: true })).toMatchObject({
      refused: expect.stringContaining('access.users'),
    });
    expect(scopeOf(access, ['contoso', 'fabrikam'], { platform: 'slack', userId: 'UANA', personal: true })).toEqual({
      tenants: ['contoso', 'fabrikam'],
    });
  });

  it('without an access section: one tenant is open to every channel, several are open to none', () => {
    expect(scopeOf(undefined, ['contoso'], { platform: 'slack', userId: 'U', channelId: 'C1' })).toEqual({ tenants: ['contoso'] });
    expect(scopeOf(undefined, ['contoso', 'fabrikam'], { platform: 'slack', userId: 'U', channelId: 'C1' })).toMatchObject({
      refused: expect.stringContaining('access.channels'),
    });
  });

  it('lets the CLI and the console see every tenant', () => {
    expect(scopeOf(access, ['contoso', 'fabrikam'], { platform: 'cli', userId: 'root' })).toEqual({ tenants: ['contoso', 'fabrikam'] });
  });
});
