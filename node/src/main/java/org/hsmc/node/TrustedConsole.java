package org.hsmc.node;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The console certificate a node trusts, pinned: a bundle is accepted only when it carries exactly this
 * certificate and verifies with its key. It is the self-signed EC P-384 certificate the console made at
 * initialize ({@code hsmc bundle certificate} writes it as PEM).
 */
public final class TrustedConsole {

    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";

    private final X509Certificate certificate;
    private final byte[] der;

    private TrustedConsole(X509Certificate certificate) {
        this.certificate = certificate;
        try {
            this.der = certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a certificate file, PEM or DER. */
    public static TrustedConsole read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BundleRefusedException(Refusal.TRUST_UNUSABLE, "the file " + file + " cannot be read: " + e.getMessage(), e);
        }
        return of(bytes, file.toString());
    }

    /** A certificate given as PEM or DER bytes; {@code source} names it in messages. */
    public static TrustedConsole of(byte[] pemOrDer, String source) {
        byte[] der = pemOrDer;
        String text = new String(pemOrDer, StandardCharsets.US_ASCII);
        int b = text.indexOf(BEGIN);
        if (b >= 0) {
            int e = text.indexOf(END, b);
            if (e < 0) {
                throw new BundleRefusedException(Refusal.TRUST_UNUSABLE, source + " starts a PEM certificate but does not end it");
            }
            try {
                der = Base64.getMimeDecoder().decode(text.substring(b + BEGIN.length(), e).strip());
            } catch (IllegalArgumentException x) {
                throw new BundleRefusedException(Refusal.TRUST_UNUSABLE, source + " holds a damaged PEM certificate", x);
            }
        }
        X509Certificate cert;
        try {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new BundleRefusedException(Refusal.TRUST_UNUSABLE, source + " is not an X.509 certificate (PEM or DER)", e);
        }
        if (!(cert.getPublicKey() instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 384) {
            throw new BundleRefusedException(Refusal.TRUST_UNUSABLE, source + " is not a console certificate: its key is not EC P-384");
        }
        try {
            cert.verify(cert.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new BundleRefusedException(Refusal.TRUST_UNUSABLE, source + " is not a console certificate: it is not signed by"
                    + " its own key (a console certificate is self-signed)", e);
        }
        return new TrustedConsole(cert);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The exact DER bytes a bundle must carry. */
    byte[] der() {
        return der;
    }

    /** SHA-256 of the DER certificate, lower-case hex, as {@code openssl x509 -fingerprint -sha256} shows it (without colons). */
    public String fingerprint() {
        return fingerprint(der);
    }

    static String fingerprint(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    /** Refuses when the certificate is not valid at {@code now} (the console certificate expired; pin the new one). */
    void requireValidAt(Instant now) {
        if (now.isAfter(certificate.getNotAfter().toInstant())) {
            throw new BundleRefusedException(Refusal.TRUST_UNUSABLE, "the trusted console certificate (" + subject() + ") expired on "
                    + certificate.getNotAfter().toInstant() + "; pin the console's current certificate");
        }
    }
}
