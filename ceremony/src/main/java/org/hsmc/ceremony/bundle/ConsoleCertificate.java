package org.hsmc.ceremony.bundle;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.hsmc.pkcs11.EcdsaHash;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.Session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;

/**
 * The console certificate: self-signed X.509 for the bundle signing key (EC P-384 in the HSM),
 * ECDSA with SHA-384, valid for {@code validity}. Online nodes pin it to verify bundles. The
 * signature is made in the HSM and checked here before the certificate is returned.
 */
public final class ConsoleCertificate {

    private ConsoleCertificate() {
    }

    public static X509Certificate create(Session hsm, KeyPairHandles key, String subject, Instant notBefore, Duration validity,
                                         BigInteger serial) {
        PublicKey pub = hsm.publicKey(key.publicKey());
        X500Name name = new X500Name(subject);
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial, Date.from(notBefore),
                    Date.from(notBefore.plus(validity)), name, pub);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            X509CertificateHolder holder = b.build(new HsmSigner(hsm, key));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
            cert.verify(pub);
            return cert;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("The console certificate could not be made or does not verify: " + e.getMessage(), e);
        }
    }

    /** A Bouncy Castle content signer whose private key stays in the HSM: ECDSA P-384 / SHA-384, DER signature. */
    static final class HsmSigner implements ContentSigner {
        private final Session hsm;
        private final KeyPairHandles key;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        HsmSigner(Session hsm, KeyPairHandles key) {
            this.hsm = hsm;
            this.key = key;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA384);
        }

        @Override
        public OutputStream getOutputStream() {
            return buffer;
        }

        @Override
        public byte[] getSignature() {
            byte[] p1363 = hsm.sign(EcdsaHash.SHA384, key.privateKey(), buffer.toByteArray());
            return derSignature(p1363);
        }
    }

    /** r‖s (IEEE P1363) to the DER SEQUENCE { r INTEGER, s INTEGER } that X.509 and CMS carry. */
    public static byte[] derSignature(byte[] p1363) {
        int half = p1363.length / 2;
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(p1363, 0, half))));
        v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(p1363, half, p1363.length))));
        try {
            return new DERSequence(v).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
