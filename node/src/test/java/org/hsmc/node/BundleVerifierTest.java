package org.hsmc.node;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSSignedData;
import org.hsmc.ceremony.bundle.BundleManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The verifier against bundles made by the console's own code (signed in software here; the HSM-signed round
 * trip is {@link RoundTripTest}): a good bundle passes, and each kind of tampering the issue lists is refused
 * with its own kind and message.
 */
class BundleVerifierTest {

    static final SoftwareConsole CONSOLE = new SoftwareConsole("CN=Key console, O=Test", 1001);
    static final Clock NOW = Clock.fixed(SoftwareConsole.T0.plusSeconds(3600), ZoneOffset.UTC);

    private final BundleVerifier verifier = new BundleVerifier(CONSOLE.trust(), NOW);

    static Refusal refusal(Supplier<?> action) {
        BundleRefusedException e = catchThrowableOfType(BundleRefusedException.class, action::get);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.getMessage()).startsWith(e.kind().title() + ": ");
        return e.kind();
    }

    static String message(Supplier<?> action) {
        return catchThrowableOfType(BundleRefusedException.class, action::get).getMessage();
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void aGoodBundlePasses() {
        BundleManifest m = SoftwareConsole.manifest("sh-01", 1, null, 3);
        byte[] bundle = CONSOLE.sign(m);
        VerifiedBundle b = verifier.verify(bundle);
        assertThat(b.manifest().zone()).isEqualTo("sh-01");
        assertThat(b.manifest().sequence()).isEqualTo(1);
        assertThat(b.manifest().keys()).hasSize(3);
        assertThat(b.manifest().keys().getFirst().wrapped()).isEqualTo(m.keys().getFirst().wrapped());
        assertThat(b.manifest().revocations()).extracting(Manifest.Revocation::id).containsExactly("wk/sh-01/kek/v1");
        assertThat(b.signingTime()).isEqualTo(SoftwareConsole.T0);
        assertThat(b.sha256()).hasSize(64);
        BundleVerifier.checkFor(b, "sh-01", null);
    }

    @Test
    void eachKindOfTamperingIsRefusedWithItsOwnMessage(@TempDir Path dir) throws Exception {
        BundleManifest m1 = SoftwareConsole.manifest("sh-01", 1, null, 3);
        byte[] first = CONSOLE.sign(m1);
        String firstSha = verifier.verify(first).sha256();
        BundleManifest m2 = SoftwareConsole.manifest("sh-01", 2, firstSha, 3);
        byte[] bundle = CONSOLE.sign(m2);
        NodeState state = NodeState.load(dir.resolve("state"));
        state.record(verifier.verify(first), NOW.instant());
        state.record(verifier.verify(bundle), NOW.instant());

        // a flipped byte in the manifest (the zone's name)
        byte[] manifestFlip = bundle.clone();
        int z = indexOf(manifestFlip, "\"zone\":\"sh-01\"".getBytes(StandardCharsets.US_ASCII));
        manifestFlip[z + 12] ^= 0x03; // sh-01 -> sh-02
        // a flipped byte in a wrapped key
        byte[] keyFlip = bundle.clone();
        String b64 = Base64.getEncoder().encodeToString(m2.keys().get(1).wrapped());
        int w = indexOf(keyFlip, b64.getBytes(StandardCharsets.US_ASCII)) + 10;
        keyFlip[w] = (byte) (keyFlip[w] == 'A' ? 'B' : 'A');
        // a flipped byte in the signature (the last bytes of a bundle are the signature's s)
        byte[] signatureFlip = bundle.clone();
        signatureFlip[signatureFlip.length - 7] ^= 0x01;
        // a swapped certificate: genuine signature, another certificate carried
        SoftwareConsole mallory = new SoftwareConsole("CN=Key console, O=Test", 1001);
        CMSSignedData genuine = new CMSSignedData(bundle);
        byte[] certSwapped = CMSSignedData.replaceCertificatesAndCRLs(genuine,
                new JcaCertStore(List.of(mallory.certificate)), null, null).getEncoded("DER");
        // ... and a bundle signed with that other key and certificate throughout
        byte[] resigned = mallory.sign(m2);

        Refusal manifest = refusal(() -> verifier.verify(manifestFlip));
        Refusal wrappedKey = refusal(() -> verifier.verify(keyFlip));
        Refusal signature = refusal(() -> verifier.verify(signatureFlip));
        Refusal certificate = refusal(() -> verifier.verify(certSwapped));
        assertThat(refusal(() -> verifier.verify(resigned))).isEqualTo(Refusal.CERTIFICATE_NOT_TRUSTED);
        Refusal replay = refusal(() -> {
            BundleVerifier.checkFor(verifier.verify(first), "sh-01", state);
            return null;
        });
        assertThat(refusal(() -> {
            BundleVerifier.checkFor(verifier.verify(bundle), "sh-01", state);
            return null;
        })).as("the same bundle twice").isEqualTo(Refusal.ROLLBACK);
        Refusal otherZone = refusal(() -> {
            BundleVerifier.checkFor(verifier.verify(bundle), "bj-01", state);
            return null;
        });
        BundleVerifier later = new BundleVerifier(CONSOLE.trust(), Clock.fixed(m2.expiresAt(), ZoneOffset.UTC));
        Refusal expired = refusal(() -> later.verify(bundle));

        assertThat(List.of(manifest, wrappedKey, signature, certificate, replay, otherZone, expired)).containsExactly(
                Refusal.CONTENT_ALTERED, Refusal.WRAPPED_KEY_ALTERED, Refusal.SIGNATURE_INVALID, Refusal.CERTIFICATE_NOT_TRUSTED,
                Refusal.ROLLBACK, Refusal.WRONG_ZONE, Refusal.EXPIRED);
        assertThat(Set.of(manifest, wrappedKey, signature, certificate, replay, otherZone, expired)).hasSize(7);

        assertThat(message(() -> verifier.verify(manifestFlip)))
                .isEqualTo("The bundle's manifest was altered after it was signed: the manifest's SHA-384 is not the message digest"
                        + " the console signed; nothing of it may be used");
        assertThat(message(() -> verifier.verify(keyFlip))).startsWith("A wrapped key in the bundle was altered after it was signed:");
        assertThat(message(() -> verifier.verify(signatureFlip))).startsWith("The bundle's signature does not verify: the signature"
                + " does not verify with the key of the trusted console certificate " + CONSOLE.trust().subject() + ";");
        assertThat(message(() -> verifier.verify(certSwapped))).startsWith("The bundle was not signed by the trusted console: it"
                + " carries the certificate CN=Key console,O=Test (SHA-256 " + TrustedConsole.fingerprint(mallory.certificate.getEncoded()));
        assertThat(message(() -> {
            BundleVerifier.checkFor(verifier.verify(first), "sh-01", state);
            return null;
        })).isEqualTo("The bundle is not newer than the last one imported: it is bundle 1 of zone sh-01, but bundle 2 was imported"
                + " already (" + NOW.instant() + "); a node never goes back to an older bundle");
        assertThat(message(() -> {
            BundleVerifier.checkFor(verifier.verify(bundle), "bj-01", state);
            return null;
        })).isEqualTo("The bundle is for another zone: it is bundle 2 of zone sh-01; this node is in zone bj-01");
        assertThat(message(() -> later.verify(bundle))).isEqualTo("The bundle has expired: bundle 2 of zone sh-01 expired at "
                + m2.expiresAt() + " (it is " + m2.expiresAt() + "); ask the console for a new one");
    }

    @Test
    void aBundleThatDoesNotFollowTheLastOneImportedIsRefused(@TempDir Path dir) {
        byte[] first = CONSOLE.sign(SoftwareConsole.manifest("sh-01", 1, null, 1));
        byte[] fork = CONSOLE.sign(SoftwareConsole.manifest("sh-01", 2, "ab".repeat(32), 1));
        NodeState state = NodeState.load(dir.resolve("state"));
        state.record(verifier.verify(first), NOW.instant());
        assertThat(refusal(() -> {
            BundleVerifier.checkFor(verifier.verify(fork), "sh-01", state);
            return null;
        })).isEqualTo(Refusal.CHAIN_BROKEN);
        // a later bundle (3, after a skipped 2) is fine: each bundle carries every key the zone needs
        byte[] third = CONSOLE.sign(SoftwareConsole.manifest("sh-01", 3, "cd".repeat(32), 1));
        BundleVerifier.checkFor(verifier.verify(third), "sh-01", state);
    }

    @Test
    void whatIsNotABundleIsMalformed() throws Exception {
        byte[] bundle = CONSOLE.sign(SoftwareConsole.manifest("sh-01", 1, null, 2));
        assertThat(refusal(() -> verifier.verify(new byte[0]))).isEqualTo(Refusal.MALFORMED);
        assertThat(refusal(() -> verifier.verify("hello".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(Refusal.MALFORMED);
        assertThat(refusal(() -> verifier.verify(java.util.Arrays.copyOf(bundle, bundle.length - 1)))).isEqualTo(Refusal.MALFORMED);
        byte[] trailing = java.util.Arrays.copyOf(bundle, bundle.length + 1);
        assertThat(message(() -> verifier.verify(trailing))).contains("1 bytes after the end");
        // SignedData version 1 -> 3: outside the signature, refused for not being the console's exact form
        byte[] version = bundle.clone();
        int v = indexOf(version, HexFormat.of().parseHex("020101310d300b0609608648016503040202"));
        version[v + 2] = 3;
        assertThat(message(() -> verifier.verify(version))).contains("its SignedData version is not 1");
        // deep nesting never reaches a parser
        byte[] deep = new byte[2000];
        for (int i = 0; i < deep.length; i += 2) {
            deep[i] = 0x30;
            deep[i + 1] = (byte) 0x80;
        }
        assertThat(message(() -> verifier.verify(deep))).contains("indefinite length");
    }

    @Test
    void aSignedManifestThatIsNotCanonicalOrNotOfTheFormatIsRefused() {
        byte[] json = SoftwareConsole.manifest("sh-01", 1, null, 1).toJson();
        String text = new String(json, StandardCharsets.UTF_8);
        byte[] spaced = CONSOLE.sign(text.replace("\"zone\":", "\"zone\" : ").getBytes(StandardCharsets.UTF_8), SoftwareConsole.T0);
        assertThat(message(() -> verifier.verify(spaced))).contains("not in canonical form (RFC 8785)");
        byte[] v2 = CONSOLE.sign(text.replace("\"format_version\":1", "\"format_version\":2").getBytes(StandardCharsets.UTF_8),
                SoftwareConsole.T0);
        assertThat(message(() -> verifier.verify(v2))).contains("format version 2; this node reads version 1. Update the node software");
        byte[] otherTime = CONSOLE.sign(json, SoftwareConsole.T0.plusSeconds(1));
        assertThat(message(() -> verifier.verify(otherTime))).contains("is not the signing-time");
        for (byte[] bad : List.of(spaced, v2, otherTime)) {
            assertThat(refusal(() -> verifier.verify(bad))).isEqualTo(Refusal.MANIFEST_INVALID);
        }
    }

    @Test
    void theTrustedCertificateMustBeAConsoleCertificate(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("console-cert.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(CONSOLE.certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        assertThat(TrustedConsole.read(pem).fingerprint()).isEqualTo(CONSOLE.trust().fingerprint());
        Path der = Files.write(dir.resolve("console-cert.der"), CONSOLE.certificate.getEncoded());
        assertThat(TrustedConsole.read(der).subject()).isEqualTo("O=Test,CN=Key console");
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        assertThat(refusal(() -> TrustedConsole.read(junk))).isEqualTo(Refusal.TRUST_UNUSABLE);
        assertThat(refusal(() -> TrustedConsole.read(dir.resolve("missing.pem")))).isEqualTo(Refusal.TRUST_UNUSABLE);
        BundleVerifier in2040 = new BundleVerifier(CONSOLE.trust(), Clock.fixed(Instant.parse("2040-01-01T00:00:00Z"), ZoneOffset.UTC));
        byte[] bundle = CONSOLE.sign(SoftwareConsole.manifest("sh-01", 1, null, 1));
        assertThat(message(() -> in2040.verify(bundle))).contains("expired on").contains("pin the console's current certificate");
    }

    @Test
    void everyRefusalKindHasItsOwnTitle() {
        assertThat(EnumSet.allOf(Refusal.class).stream().map(Refusal::title).distinct()).hasSize(Refusal.values().length);
    }

    static X509CertificateHolder holder(java.security.cert.X509Certificate c) throws Exception {
        return new X509CertificateHolder(c.getEncoded());
    }
}
