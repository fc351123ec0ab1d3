package org.hsmc.ceremony.bundle;

import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helpers for bundles: the manifest inside, and {@code openssl cms -verify} as an outsider runs it. */
public final class Bundles {

    private Bundles() {
    }

    /** The encapsulated manifest of a bundle. */
    public static byte[] manifest(byte[] der) {
        try {
            return (byte[]) new CMSSignedData(der).getSignedContent().getContent();
        } catch (CMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate as PEM. */
    public static String pem(X509Certificate cert) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What {@code openssl cms -verify} said: its exit code, the content it printed, and its messages. */
    public record OpenSsl(int exit, byte[] content, String messages) {
    }

    /**
     * Runs {@code openssl cms -verify -inform DER -binary -CAfile console-cert.pem -in BUNDLE -out CONTENT} in
     * {@code dir}. Skips the test when openssl is missing (fails instead with CI=true: bin/test installs it).
     */
    public static OpenSsl opensslVerify(Path bundle, X509Certificate cert, Path dir) throws IOException, InterruptedException {
        boolean present = Files.isExecutable(Path.of("/usr/bin/openssl")) || Files.isExecutable(Path.of("/usr/local/bin/openssl"));
        if (!present && SoftHsmStore.inCi()) {
            throw new IllegalStateException("openssl is missing; bin/test installs it (Debian package openssl)");
        }
        Assumptions.assumeTrue(present, "openssl is not installed");
        Path ca = dir.resolve("console-cert.pem");
        if (!Files.exists(ca)) {
            Files.writeString(ca, pem(cert), StandardCharsets.US_ASCII);
        }
        Path out = Files.createTempFile(dir, "content-", ".json");
        List<String> cmd = new ArrayList<>(List.of("openssl", "cms", "-verify", "-inform", "DER", "-binary", "-CAfile",
                ca.toString(), "-in", bundle.toString(), "-out", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String messages = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("openssl did not finish");
        }
        return new OpenSsl(p.exitValue(), Files.readAllBytes(out), messages);
    }
}
