import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../lab/index.js';
import { LAB_GROUPS } from '../../lab/microsoft/state.js';
import { entraGroupDirectory } from '../../src/approvals/entra-groups.js';
import { approvalRefusal } from '../../src/approvals/policy.js';
import { createApprovals } from '../../src/approvals/wiring.js';
import { parseConfig } from '../../src/config/load.js';
import { configuredCa, createCore } from '../../src/core.js';
import { Store } from '../../src/store/store.js';

const logger = pino({ level: 'silent' });
const ADA = '4b7f2b8e-1c1d-4e57-9a3e-0d6f7c5a1e22';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

/** The lab with a SingleTenant Teams bot registered in the lab tenant, and these approvers. */
async function teamsBotConfig(approvers: string[]) {
  lab = await startLab({ scenario: 'healthy' });
  const ms = lab.state.microsoft;
  const config = parseConfig(
    {
      ...lab.config,
      teams: { appId: ms.botApp.appId, appPassword: ms.botApp.password, appType: 'SingleTenant', tenantId: ms.tenantId },
      approvals: { approvers },
    },
    { env: {} },
  );
  return { lab, config };
}

describe('Entra groups as Teams approvers, read through Graph as the bot app', () => {
  it('reads the users of a group and of its nested groups, page after page; a person id has no members', async () => {
    const { config } = await teamsBotConfig([]);
    const directory = entraGroupDirectory(config, logger, configuredCa(config));
    expect(directory).toBeDefined();
    const members = await directory?.membersOf(LAB_GROUPS.itAdmins);
    expect(members?.sort()).toEqual(
      [LAB_GROUPS.bobAad, LAB_GROUPS.carolAad, '6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0', '7a8b9c0d-1e2f-4a3b-c4d5-e6f7a8b9c0d1'].sort(),
    );
    // Four users in pages of three: the second page was followed.
    const pages = lab?.state.requests.filter((r) => r.service === 'graph' && r.key.includes('/transitiveMembers/'));
    expect(pages?.length).toBe(2);
    expect(await directory?.membersOf(ADA)).toEqual([]);
  });

  it('says which permission the bot app lacks, in a sentence', async () => {
    const { lab, config } = await teamsBotConfig([]);
    lab.state.microsoft.botApp.graphRoles = [];
    const directory = entraGroupDirectory(config, logger, configuredCa(config));
    await expect(directory?.membersOf(LAB_GROUPS.itAdmins)).rejects.toThrow(
      `App ${lab.state.microsoft.botApp.appId} may not read the members of group ${LAB_GROUPS.itAdmins} in Microsoft Graph (Authorization_RequestDenied: Insufficient privileges to complete the operation.). Grant it the Microsoft Graph application permission GroupMember.Read.All`,
    );
  });

  it('a member of a nested group approves; a person named by id still does; anyone else is refused', async () => {
    const { config } = await teamsBotConfig([`teams:${LAB_GROUPS.itAdmins}`, `teams:${ADA}`]);
    const store = Store.open(':memory:');
    const core = createCore({ config, logger, store });
    const approvals = createApprovals(core, store, logger);
    await approvals.start();
    try {
      const plan = { tenant: 'contoso', requester: { platform: 'teams' as const, userId: ADA }, approvals: [] };
      const carol = { platform: 'teams' as const, userId: LAB_GROUPS.carolAad };
      expect(approvals.groupsOf(carol).groups).toEqual([LAB_GROUPS.itAdmins]);
      expect(approvalRefusal(approvals.policy, plan, carol, approvals.groupsOf(carol).groups)).toBeUndefined();
      const ada = { platform: 'teams' as const, userId: ADA };
      const asker = { ...plan, requester: { platform: 'teams' as const, userId: LAB_GROUPS.bobAad } };
      expect(approvalRefusal(approvals.policy, asker, ada, approvals.groupsOf(ada).groups)).toBeUndefined();
      const stranger = { platform: 'teams' as const, userId: '11111111-2222-4333-8444-555555555555' };
      expect(approvalRefusal(approvals.policy, plan, stranger, approvals.groupsOf(stranger).groups)).toBe(
        'you are not an approver for contoso',
      );
      // The person's id was asked about too, and read as no group: nothing unreadable.
      expect(approvals.groupsOf(stranger).unreadable).toEqual([]);
    } finally {
      await approvals.stop();
      store.close();
    }
  });
});

describe('doctor on Entra groups', () => {
  it('says whether the Teams bot app may read group members, with the permission to grant', async () => {
    const { entraGroupsFinding } = await import('../../src/doctor/run-doctor.js');
    const { lab, config } = await teamsBotConfig([`teams:${LAB_GROUPS.itAdmins}`]);
    expect(await entraGroupsFinding(config, configuredCa(config), logger)).toMatchObject({
      id: 'roles:teams-groups',
      status: 'ok',
      sentence: "the Teams bot's app may read group members (GroupMember.Read.All).",
    });
    lab.state.microsoft.botApp.graphRoles = [];
    expect(await entraGroupsFinding(config, configuredCa(config), logger)).toMatchObject({
      status: 'fail',
      sentence: `the Teams bot's app ${lab.state.microsoft.botApp.appId} may not read group members, so members of an Entra group named there cannot approve or respond.`,
      fix: expect.stringContaining('GroupMember.Read.All, then Grant admin consent'),
    });
    const noTenant = parseConfig(
      { ...lab.config, teams: { appId: 'x', appType: 'MultiTenant', appPassword: 'p' }, approvals: { approvers: [`teams:${ADA}`] } },
      { env: {} },
    );
    expect(await entraGroupsFinding(noTenant, undefined, logger)).toMatchObject({
      status: 'warn',
      sentence: expect.stringContaining('teams: entries match people only'),
    });
  });
});
