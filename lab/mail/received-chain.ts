/**
 * The `Received:` lines Exchange Online stamps on a message, newest first as they appear on top of
 * it: the protection front end that took the mail from the sender, the front end's hand-off to the
 * tenant's transport (Microsoft-internal IPv6 addresses, `via Frontend Transport`), a hub hop, and
 * then either the mailbox server (delivered in the tenant) or, for a relay to the outside, the
 * receiving provider's own line naming Exchange's outbound host. Shaped like real headers.
 */
export interface ReceivedInput {
  /** The sender's EHLO name and public IP (after the lab's egress mapping). */
  helo: string;
  senderIp: string;
  tls: boolean;
  /** The front end's name as it answers SMTP: `BN8NAM12FT021.eop-nam12.prod.protection.outlook.com`. */
  mxHost: string;
}

const BUILD = '15.20.8207.8';
const TLS12 = '(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)';
const TLS13 = '(version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384)';
/** The front end's internal side, the tenant's transport and mailbox servers. */
const FRONTEND_INTERNAL_IP = '2603:10b6:408:60:cafe::4a';
const TRANSPORT = {
  host: 'BN8PR12CA0012.namprd12.prod.outlook.com',
  alias: 'BN8PR12CA0012.outlook.office365.com',
  ip: '2603:10b6:408:60::25',
};
const HUB = { host: 'SA1PR12MB6798.namprd12.prod.outlook.com', ip: '2603:10b6:806:25b::9' };
const MAILBOX = { host: 'MN2PR12MB4488.namprd12.prod.outlook.com', ip: '2603:10b6:208:24e::20' };
const OUTBOUND = { host: 'NAM12-BN8-obe.outbound.protection.outlook.com', ip: '40.107.212.70' };

export function exchangeReceivedChain(input: ReceivedInput, destination: 'mailbox' | 'outside', at = new Date()): string {
  const date = at.toUTCString().replace('GMT', '+0000');
  const shortName = input.mxHost.split('.')[0] ?? input.mxHost;
  const frontendPublic = `${shortName}.mail.protection.outlook.com`;
  const senderTls = input.tls ? ` ${TLS13}` : '';
  const lines = [
    destination === 'mailbox'
      ? `from ${HUB.host} (${HUB.ip}) by ${MAILBOX.host} (${MAILBOX.ip}) with Microsoft SMTP Server ${TLS12} id ${BUILD}; ${date}`
      : `from ${OUTBOUND.host} (${OUTBOUND.ip}) by mx.outside.test (Postfix) with ESMTPS id 4Xb2Qk0n5Kz; ${date}`,
    `from ${TRANSPORT.host} (${TRANSPORT.ip}) by ${HUB.host} (${HUB.ip}) with Microsoft SMTP Server ${TLS12} id ${BUILD}; ${date}`,
    `from ${input.mxHost} (${FRONTEND_INTERNAL_IP}) by ${TRANSPORT.alias} (${TRANSPORT.ip}) with Microsoft SMTP Server ${TLS13} id ${BUILD} via Frontend Transport; ${date}`,
    `from ${input.helo} (${input.senderIp}) by ${frontendPublic} (10.13.182.113) with Microsoft SMTP Server${senderTls} id ${BUILD} via Frontend Transport; ${date}`,
  ];
  return lines.map((line) => `Received: ${line}\r\n`).join('');
}
