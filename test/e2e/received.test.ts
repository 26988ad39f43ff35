import { describe, expect, it } from 'vitest';
import { senderIpFromReceived } from '../../src/e2e/received.js';

/**
 * The chain a mail relayed by Exchange Online carries when it reaches an outside mailbox, newest
 * first, shaped like real headers: the outside provider's hop, Exchange's mailbox/hub hops between
 * Microsoft-internal IPv6 addresses, the protection front end's internal hop, and at the bottom the
 * front end that received the mail from the ERP.
 */
const RELAYED_FROM_ERP = [
  'from NAM12-BN8-obe.outbound.protection.outlook.com (40.107.212.70) by mx.outside.test (Postfix) with ESMTPS id 4Xb2Qk0n5Kz; Tue, 24 Nov 2026 01:53:50 +0000',
  'from SA1PR12MB6798.namprd12.prod.outlook.com (2603:10b6:806:25b::9) by MN2PR12MB4488.namprd12.prod.outlook.com (2603:10b6:208:24e::20) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8207.8; Tue, 24 Nov 2026 01:53:49 +0000',
  'from BN8PR12CA0012.namprd12.prod.outlook.com (2603:10b6:408:60::25) by SA1PR12MB6798.namprd12.prod.outlook.com (2603:10b6:806:25b::9) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8207.8; Tue, 24 Nov 2026 01:53:49 +0000',
  'from BN8NAM12FT021.eop-nam12.prod.protection.outlook.com (2603:10b6:408:60:cafe::4a) by BN8PR12CA0012.outlook.office365.com (2603:10b6:408:60::25) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8207.8 via Frontend Transport; Tue, 24 Nov 2026 01:53:48 +0000',
  'from erp.contoso.test (203.0.113.10) by BN8NAM12FT021.mail.protection.outlook.com (10.13.182.113) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8207.8 via Frontend Transport; Tue, 24 Nov 2026 01:53:48 +0000',
];

describe('the egress IP from Received headers', () => {
  it('takes the hop where Exchange Online first received the mail from outside Microsoft, not a Microsoft-internal hop above it', () => {
    expect(senderIpFromReceived(RELAYED_FROM_ERP)).toEqual({ ip: '203.0.113.10', header: RELAYED_FROM_ERP[4] });
  });

  it('ignores hops the ERP host stamped itself below that', () => {
    const withLocal = [...RELAYED_FROM_ERP, 'from localhost (localhost [127.0.0.1]) by erp.contoso.test (Postfix) with ESMTP id 1234'];
    expect(senderIpFromReceived(withLocal)?.ip).toBe('203.0.113.10');
  });

  it('without a Microsoft hop, the oldest hop that names an IP', () => {
    expect(senderIpFromReceived(['from mail.fabrikam.test ([198.51.100.7]) by mx.fabrikam.test'])?.ip).toBe('198.51.100.7');
    expect(senderIpFromReceived(['by mx.example with local'])).toBeUndefined();
  });
});
