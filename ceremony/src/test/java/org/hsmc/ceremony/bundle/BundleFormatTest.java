package org.hsmc.ceremony.bundle;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bundle format without an HSM: the manifest is RFC 8785 canonical JSON exactly as a general
 * implementation writes it, and the CMS has exactly the structure docs/bundle-format.md describes.
 */
class BundleFormatTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:15:30Z");

    static BundleManifest manifest(String reason) {
        BundleManifest.Key dek = new BundleManifest.Key("wk/sh-01/dek/v1", "DEK", "AES-256", 1, Instant.parse("2027-01-01T00:00:00Z"),
                Instant.parse("2028-01-01T00:00:00Z"), "1A2B3C4D5E", "zmk/sh-01/v1", "0F1E2D3C4B", BundleManifest.AES_KWP,
                HexFormat.of().parseHex("00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF0011223344556677"));
        BundleManifest.Key mac = new BundleManifest.Key("wk/sh-01/mac/v1", "MAC", "AES-128", 1, Instant.parse("2027-01-01T00:00:00Z"),
                Instant.parse("2028-01-01T00:00:00Z"), "ABCDEF0123", "zmk/sh-01/v1", "0F1E2D3C4B", BundleManifest.AES_KWP,
                HexFormat.of().parseHex("FFEEDDCCBBAA99887766554433221100FFEEDDCCBBAA9988"));
        return new BundleManifest("sh-01", "ACTIVE", 2, T0, T0.plusSeconds(30 * 86400), "3f2a-run", "ab".repeat(32),
                List.of(dek, mac), List.of(new BundleManifest.Revocation("wk/sh-01/kek/v1", T0.minusSeconds(3600), "INC-42", reason)));
    }

    @Test
    void theManifestIsCanonicalJsonByteForByte() throws Exception {
        for (String reason : List.of("Suspected disclosure", "Line one\nline two\t\"quoted\" \\ back\u0001slash",
                "Unicode: ключ 鍵 \uD83D\uDD11 é", "")) {
            byte[] json = manifest(reason).toJson();
            assertThat(new JsonCanonicalizer(json).getEncodedUTF8()).as(reason).isEqualTo(json);
        }
        String text = new String(manifest("r").toJson(), StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\"ceremony_id\":\"3f2a-run\",\"created_at\":\"2026-11-23T10:15:30Z\",\"expires_at\":"
                + "\"2026-12-23T10:15:30Z\",\"format\":\"hsmc-key-bundle\",\"format_version\":1,\"keys\":[{\"algorithm\":\"AES-256\","
                + "\"id\":\"wk/sh-01/dek/v1\",\"kcv\":\"1A2B3C4D5E\",\"purpose\":\"DEK\"");
        assertThat(text).contains("\"wrapping_key\":{\"id\":\"zmk/sh-01/v1\",\"kcv\":\"0F1E2D3C4B\",\"mechanism\":\"AES-KWP\"}")
                .contains("\"revocations\":[{\"id\":\"wk/sh-01/kek/v1\",\"incident\":\"INC-42\",\"reason\":\"r\","
                        + "\"revoked_at\":\"2026-11-23T09:15:30Z\"}]")
                .endsWith(",\"zone\":\"sh-01\",\"zone_status\":\"ACTIVE\"}");
    }

    @Test
    void theFirstBundleHasANullPreviousAndAnEmptyZoneIsFine() throws Exception {
        BundleManifest first = new BundleManifest("bj-01", "ACTIVE", 1, T0, T0.plusSeconds(60), "run", null, List.of(), List.of());
        byte[] json = first.toJson();
        assertThat(new JsonCanonicalizer(json).getEncodedUTF8()).isEqualTo(json);
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"keys\":[],\"previous_bundle_sha256\":null,\"revocations\":[]")
                .contains("\"wrapped_keys_sha256\":\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest()) + "\"");
        assertThatThrownBy(() -> new BundleManifest("bj-01", "ACTIVE", 2, T0, T0, "run", null, List.of(), List.of()))
                .hasMessageContaining("previous bundle");
    }

    @Test
    void wrappedKeysSha256IsOverTheWrappedKeysInOrder() throws Exception {
        BundleManifest m = manifest("r");
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        m.keys().forEach(k -> d.update(k.wrapped()));
        assertThat(m.wrappedKeysSha256()).isEqualTo(HexFormat.of().formatHex(d.digest()));
    }

    /** A software stand-in for the console: a P-384 key and its self-signed certificate. */
    record SoftwareConsole(KeyPair keys, X509Certificate certificate) {
        static SoftwareConsole create(String subject) throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp384r1"));
            KeyPair kp = g.generateKeyPair();
            X500Name name = new X500Name(subject);
            var holder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(7), Date.from(T0.minusSeconds(86400)),
                    Date.from(T0.plusSeconds(3650L * 86400)), name, kp.getPublic())
                    .build(new JcaContentSignerBuilder("SHA384withECDSA").build(kp.getPrivate()));
            return new SoftwareConsole(kp, new JcaX509CertificateConverter().getCertificate(holder));
        }

        ContentSigner signer() throws Exception {
            return new JcaContentSignerBuilder("SHA384withECDSA").build(keys.getPrivate());
        }
    }

    @Test
    void theCmsHasExactlyTheDocumentedStructure(@TempDir Path dir) throws Exception {
        SoftwareConsole console = SoftwareConsole.create("CN=Key console, O=Test");
        byte[] json = manifest("r").toJson();
        byte[] der = BundleCms.sign(json, console.certificate(), console.signer(), T0);
        BundleCms.verify(der, console.certificate(), json);

        ASN1Primitive parsed = ASN1Primitive.fromByteArray(der);
        assertThat(parsed.getEncoded(ASN1Encoding.DER)).as("DER, nothing after it").isEqualTo(der);
        ContentInfo ci = ContentInfo.getInstance(parsed);
        assertThat(ci.getContentType()).isEqualTo(CMSObjectIdentifiers.signedData);
        SignedData sd = SignedData.getInstance(ci.getContent());
        assertThat(sd.getVersion().intValueExact()).isEqualTo(1);
        assertThat(sd.getDigestAlgorithms().size()).isEqualTo(1);
        assertThat(sd.getEncapContentInfo().getContentType()).isEqualTo(CMSObjectIdentifiers.data);
        assertThat(sd.getCertificates().size()).isEqualTo(1);
        assertThat(sd.getCertificates().getObjectAt(0).toASN1Primitive().getEncoded()).isEqualTo(console.certificate().getEncoded());
        assertThat(sd.getCRLs()).isNull();
        assertThat(sd.getSignerInfos().size()).isEqualTo(1);
        SignerInfo si = SignerInfo.getInstance(sd.getSignerInfos().getObjectAt(0));
        assertThat(si.getDigestAlgorithm().getAlgorithm()).isEqualTo(NISTObjectIdentifiers.id_sha384);
        assertThat(si.getDigestEncryptionAlgorithm().getAlgorithm()).isEqualTo(X9ObjectIdentifiers.ecdsa_with_SHA384);
        assertThat(si.getUnauthenticatedAttributes()).isNull();
        assertThat(si.getAuthenticatedAttributes().size()).isEqualTo(3);
        List<Object> types = new java.util.ArrayList<>();
        for (var a : si.getAuthenticatedAttributes()) {
            types.add(org.bouncycastle.asn1.cms.Attribute.getInstance(a).getAttrType());
        }
        assertThat(types).containsExactlyInAnyOrder(CMSAttributes.contentType, CMSAttributes.messageDigest, CMSAttributes.signingTime);
        assertThat(Bundles.manifest(der)).isEqualTo(json);

        Path file = Files.write(dir.resolve("sh-01-000002.p7m"), der);
        Bundles.OpenSsl openssl = Bundles.opensslVerify(file, console.certificate(), dir);
        assertThat(openssl.exit()).as(openssl.messages()).isZero();
        assertThat(openssl.messages()).contains("Verification successful");
        assertThat(openssl.content()).isEqualTo(json);
    }
}
