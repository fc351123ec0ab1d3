package org.hsmc.ceremony.bundle;

import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.cms.CMSSignedData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/bundle-format.md: signing-time is a UTCTime up to 2049 and a GeneralizedTime from 2050 on (RFC 5652 §11.3). */
class SigningTimeEncodingTest {

    private static ASN1Primitive signingTime(byte[] der) throws Exception {
        Attribute a = new CMSSignedData(der).getSignerInfos().getSigners().iterator().next().getSignedAttributes()
                .get(CMSAttributes.signingTime);
        return a.getAttrValues().getObjectAt(0).toASN1Primitive();
    }

    @Test
    void utcTimeUpTo2049AndGeneralizedTimeFrom2050() throws Exception {
        assertThat(Files.readString(Path.of("..", "docs", "bundle-format.md"), StandardCharsets.UTF_8))
                .contains("UTCTime up to 2049,", "GeneralizedTime from 2050 on (RFC 5652 §11.3)");
        BundleFormatTest.SoftwareConsole console = BundleFormatTest.SoftwareConsole.create("CN=signing time test");
        byte[] manifest = "{}".getBytes(StandardCharsets.UTF_8);
        ASN1Primitive y2049 = signingTime(BundleCms.sign(manifest, console.certificate(), console.signer(),
                Instant.parse("2049-12-31T23:59:59Z")));
        ASN1Primitive y2050 = signingTime(BundleCms.sign(manifest, console.certificate(), console.signer(),
                Instant.parse("2050-01-01T00:00:00Z")));
        assertThat(y2049).isInstanceOf(ASN1UTCTime.class);
        assertThat(((ASN1UTCTime) y2049).getTime()).isEqualTo("491231235959GMT+00:00");
        assertThat(y2050).isInstanceOf(ASN1GeneralizedTime.class);
        assertThat(((ASN1GeneralizedTime) y2050).getTimeString()).isEqualTo("20500101000000Z");
    }
}
