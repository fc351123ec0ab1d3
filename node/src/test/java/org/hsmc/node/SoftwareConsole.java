package org.hsmc.node;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.hsmc.ceremony.bundle.BundleCms;
import org.hsmc.ceremony.bundle.BundleManifest;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * A console in software for tests that need many bundles fast: an EC P-384 key and its self-signed certificate,
 * signing with the console's own code ({@link BundleCms}, {@link BundleManifest}).
 */
final class SoftwareConsole {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    final KeyPair keys;
    final X509Certificate certificate;

    SoftwareConsole(String subject, long serial) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp384r1"));
            keys = g.generateKeyPair();
            X500Name name = new X500Name(subject);
            var holder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(serial), Date.from(T0.minusSeconds(86400)),
                    Date.from(T0.plusSeconds(3650L * 86400)), name, keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA384withECDSA").build(keys.getPrivate()));
            certificate = new JcaX509CertificateConverter().getCertificate(holder);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    TrustedConsole trust() {
        try {
            return TrustedConsole.of(certificate.getEncoded(), "test certificate");
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] sign(byte[] content, Instant signingTime) {
        try {
            return BundleCms.sign(content, certificate, new JcaContentSignerBuilder("SHA384withECDSA").build(keys.getPrivate()),
                    signingTime);
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] sign(BundleManifest m) {
        return sign(m.toJson(), m.createdAt());
    }

    /** A manifest of {@code keys} AES-256 DEKs (random wrapped bytes), one revocation, valid 30 days from T0. */
    static BundleManifest manifest(String zone, long sequence, String previous, int keys) {
        SecureRandom r = new SecureRandom();
        List<BundleManifest.Key> list = new ArrayList<>();
        for (int v = 1; v <= keys; v++) {
            byte[] wrapped = new byte[40];
            r.nextBytes(wrapped);
            list.add(new BundleManifest.Key("wk/" + zone + "/dek/v" + v, "DEK", "AES-256", v, Instant.parse("2027-01-01T00:00:00Z"),
                    Instant.parse("2028-01-01T00:00:00Z"), "0123456789", "zmk/" + zone + "/v1", "ABCDEF0123", BundleManifest.AES_KWP,
                    wrapped));
        }
        return new BundleManifest(zone, "ACTIVE", sequence, T0, T0.plusSeconds(30L * 86400), "run-" + sequence, previous, list,
                List.of(new BundleManifest.Revocation("wk/" + zone + "/kek/v1", T0.minusSeconds(3600), "INC-42",
                        "Suspected disclosure")));
    }
}
