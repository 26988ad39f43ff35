import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

/**
 * The lab's own CA and one server certificate for the loopback hosts. MSAL refuses `http:`
 * authorities, so the lab serves its Microsoft endpoints (and the MX's STARTTLS, and IMAPS) over TLS
 * and the bot trusts this CA through `services.caFile` — never by turning certificate checks off.
 */
export interface LabTls {
  caPem: string;
  caFile: string;
  certPem: string;
  keyPem: string;
}

let cached: LabTls | undefined;

export function labTls(): LabTls {
  cached ??= generate();
  return cached;
}

function keyPair() {
  // Node's native key generation is ~100× faster than forge's pure-JS RSA.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    privateKeyPem: privateKey,
  };
}

function generate(): LabTls {
  const caKeys = keyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = `01${randomBytes(8).toString('hex')}`;
  ca.validity.notBefore = new Date(Date.now() - 60_000);
  ca.validity.notAfter = new Date(Date.now() + 7 * 24 * 3600_000);
  const caName = [{ name: 'commonName', value: 'mailsetup lab CA' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const leafKeys = keyPair();
  const leaf = forge.pki.createCertificate();
  leaf.publicKey = leafKeys.publicKey;
  leaf.serialNumber = `02${randomBytes(8).toString('hex')}`;
  leaf.validity.notBefore = ca.validity.notBefore;
  leaf.validity.notAfter = ca.validity.notAfter;
  leaf.setSubject([{ name: 'commonName', value: 'localhost' }]);
  leaf.setIssuer(caName);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '127.0.0.2' },
        { type: 7, ip: '127.0.0.3' },
      ],
    },
  ]);
  leaf.sign(caKeys.privateKey, forge.md.sha256.create());

  const caPem = forge.pki.certificateToPem(ca);
  const dir = mkdtempSync(join(tmpdir(), 'mailsetup-lab-'));
  const caFile = join(dir, 'lab-ca.pem');
  writeFileSync(caFile, caPem);
  return { caPem, caFile, certPem: forge.pki.certificateToPem(leaf), keyPem: leafKeys.privateKeyPem };
}
