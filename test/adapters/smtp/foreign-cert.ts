import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** A CA of its own and a server certificate that names only `names` (DNS), for host-mismatch tests. */
export interface ForeignCert {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export function certificateFor(names: string[]): ForeignCert {
  const pair = () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const key = forge.pki.privateKeyFromPem(privateKey);
    return {
      key,
      pem: privateKey,
      pub: forge.pki.setRsaPublicKey((key as forge.pki.rsa.PrivateKey).n, (key as forge.pki.rsa.PrivateKey).e),
    };
  };
  const caKeys = pair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.pub;
  ca.serialNumber = `01${randomBytes(8).toString('hex')}`;
  ca.validity.notBefore = new Date(Date.now() - 60_000);
  ca.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const caName = [{ name: 'commonName', value: 'mailsetup foreign test CA' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, critical: true },
  ]);
  ca.sign(caKeys.key as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  const leafKeys = pair();
  const leaf = forge.pki.createCertificate();
  leaf.publicKey = leafKeys.pub;
  leaf.serialNumber = `02${randomBytes(8).toString('hex')}`;
  leaf.validity.notBefore = ca.validity.notBefore;
  leaf.validity.notAfter = ca.validity.notAfter;
  leaf.setSubject([{ name: 'commonName', value: names[0]! }]);
  leaf.setIssuer(caName);
  leaf.setExtensions([
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
  ]);
  leaf.sign(caKeys.key as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { caPem: forge.pki.certificateToPem(ca), certPem: forge.pki.certificateToPem(leaf), keyPem: leafKeys.pem };
}
