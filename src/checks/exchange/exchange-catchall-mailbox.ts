import { exchangeCatchallCasMailbox, exchangeCatchallMailbox } from '../../adapters/exchange/sources.js';
import { graphCatchallLicenses, graphCatchallUser, graphSubscribedSkus } from '../../adapters/graph/sources.js';
import { isExchangePlan, type SubscribedSku } from '../../adapters/graph/types.js';
import { defineCheck } from '../../engine/check.js';
import type { Verdict } from '../../engine/result.js';
import { psQuote } from './shared/powershell.js';

const EXPECTED = { accountEnabled: true, exchangePlan: 'EXCHANGE_S_* provisioningStatus Success', mailbox: 'exists', ImapEnabled: true };

/** Step 2: the catch-all is an enabled, licensed user with an Exchange mailbox and IMAP on. */
export const exchangeCatchallMailboxCheck = defineCheck({
  meta: {
    id: 'exchange-catchall-mailbox',
    title: 'Catch-all mailbox',
    area: 'exchange',
    severity: 'critical',
    dependsOn: [],
    sources: [graphCatchallUser, graphCatchallLicenses, graphSubscribedSkus, exchangeCatchallMailbox, exchangeCatchallCasMailbox],
    fixable: true,
    watched: true,
  },
  explainFile: new URL('./exchange-catchall-mailbox.md', import.meta.url),
  run(snapshot, ctx): Verdict {
    const address = ctx.tenant.catchallMailbox;
    const q = psQuote(address);
    const resource = { kind: 'Mailbox', name: address };
    const user = snapshot.get(graphCatchallUser);
    if (!user) {
      return {
        status: 'fail',
        detail: `Entra has no user ${address} (Graph /users/${address}: not found); expected an enabled, licensed user whose mailbox is the catch-all.`,
        observed: { user: null },
        expected: EXPECTED,
        resource,
        remediation: {
          manual: `Microsoft 365 admin center → Users → Active users → Add a user: username ${address}, assign a licence that includes Exchange Online.`,
          command: `New-MgUser -UserPrincipalName ${q} -DisplayName 'ERP catch-all' -MailNickname ${psQuote(address.split('@')[0] ?? 'erp')} -AccountEnabled -PasswordProfile @{Password=[guid]::NewGuid().ToString() + 'Aa1!'; ForceChangePasswordNextSignIn=$true}`,
        },
      };
    }
    const licenses = snapshot.get(graphCatchallLicenses) ?? [];
    const plans = licenses.flatMap((l) =>
      l.servicePlans
        .filter((p) => isExchangePlan(p.servicePlanName))
        .map((p) => ({ sku: l.skuPartNumber, plan: p.servicePlanName, provisioningStatus: p.provisioningStatus })),
    );
    const mailbox = snapshot.get(exchangeCatchallMailbox);
    const cas = snapshot.get(exchangeCatchallCasMailbox);
    const observed = {
      user: user.userPrincipalName,
      accountEnabled: user.accountEnabled,
      licences: licenses.map((l) => l.skuPartNumber),
      exchangePlans: plans,
      mailbox: mailbox ? mailbox.RecipientTypeDetails : null,
      ImapEnabled: cas ? cas.ImapEnabled : null,
    };
    const verdict = (status: Verdict['status'], detail: string, manual: string, command: string): Verdict => ({
      status,
      detail,
      observed,
      expected: EXPECTED,
      resource: { ...resource, id: user.id },
      remediation: { manual, command },
    });

    if (!user.accountEnabled) {
      return verdict(
        'fail',
        `User ${address} has accountEnabled false; expected true (a blocked account cannot sign in over IMAP, so the ERP cannot fetch the catch-all mail).`,
        `Microsoft 365 admin center → Users → Active users → ${address} → Unblock sign-in.`,
        `Update-MgUser -UserId ${q} -AccountEnabled:$true`,
      );
    }
    const provisioned = plans.find((p) => p.provisioningStatus === 'Success');
    if (!provisioned) {
      if (plans.length === 0) {
        const skus = snapshot.get(graphSubscribedSkus);
        const sku = freeExchangeSku(skus);
        const anyExchangeSku = sku ?? skus.find((s) => s.servicePlans.some((p) => isExchangePlan(p.servicePlanName)));
        return verdict(
          'fail',
          `User ${address} has no licence with an Exchange Online plan (licences: ${licenses.map((l) => l.skuPartNumber).join(', ') || 'none'}); expected an EXCHANGE_S_* plan provisioned Success, without which there is no mailbox to catch mail.${sku ? ` ${sku.skuPartNumber} has ${sku.prepaidUnits.enabled - sku.consumedUnits} free licence(s).` : ''}`,
          `Microsoft 365 admin center → Users → Active users → ${address} → Licenses and apps → tick a licence that includes Exchange Online${sku ? ` (e.g. ${sku.skuPartNumber})` : ''} → Save.`,
          anyExchangeSku
            ? `Set-MgUserLicense -UserId ${q} -AddLicenses @{SkuId=${psQuote(anyExchangeSku.skuId)}} -RemoveLicenses @()`
            : "Get-MgSubscribedSku -All | Where-Object { $_.ServicePlans.ServicePlanName -like 'EXCHANGE_S_*' } | Select-Object SkuPartNumber, SkuId, ConsumedUnits",
        );
      }
      const first = plans[0] as (typeof plans)[number];
      const pending = plans.find((p) => p.provisioningStatus.startsWith('Pending'));
      return verdict(
        pending ? 'warn' : 'fail',
        pending
          ? `The Exchange plan ${pending.plan} (${pending.sku}) of ${address} is ${pending.provisioningStatus}; expected Success. Provisioning usually finishes within minutes; until then there is no working mailbox.`
          : `The Exchange plan ${first.plan} (${first.sku}) of ${address} has provisioningStatus ${first.provisioningStatus}; expected Success.${first.provisioningStatus === 'Disabled' ? ' The plan is switched off in the licence.' : ''}`,
        `Microsoft 365 admin center → Users → Active users → ${address} → Licenses and apps → Apps → turn Exchange Online on for ${first.sku} → Save.`,
        `Set-MgUserLicense -UserId ${q} -AddLicenses @{SkuId=${psQuote((licenses.find((l) => l.skuPartNumber === first.sku) ?? (licenses[0] as (typeof licenses)[number])).skuId)}; DisabledPlans=@()} -RemoveLicenses @()`,
      );
    }
    if (!mailbox || !cas) {
      return verdict(
        'fail',
        `Exchange Online has no mailbox ${address} (Get-Mailbox: not found) although ${provisioned.plan} is provisioned; expected a mailbox. A new licence can take a few minutes to create it.`,
        `Wait a few minutes after licensing; if it does not appear, Microsoft 365 admin center → Users → Active users → ${address} → Mail shows why.`,
        `Get-Mailbox -Identity ${q}`,
      );
    }
    if (!cas.ImapEnabled) {
      return verdict(
        'fail',
        `Mailbox ${address} has ImapEnabled false; expected true, since the ERP fetches the catch-all mail over IMAP.`,
        `Exchange admin center → Recipients → Mailboxes → ${address} → Mail apps (Manage email apps settings) → turn IMAP on → Save.`,
        `Set-CASMailbox -Identity ${q} -ImapEnabled $true`,
      );
    }
    return {
      status: 'pass',
      detail: `${address} is enabled, has ${provisioned.plan} (${provisioned.sku}) provisioned, a ${mailbox.RecipientTypeDetails}, and IMAP on.`,
      observed,
      expected: EXPECTED,
      resource: { ...resource, id: user.id },
    };
  },
});

/** A subscription with an Exchange plan and free licences, to name in the remediation. */
function freeExchangeSku(skus: readonly SubscribedSku[]): SubscribedSku | undefined {
  return skus.find(
    (s) =>
      s.capabilityStatus === 'Enabled' &&
      s.prepaidUnits.enabled - s.consumedUnits > 0 &&
      s.servicePlans.some((p) => isExchangePlan(p.servicePlanName)),
  );
}
