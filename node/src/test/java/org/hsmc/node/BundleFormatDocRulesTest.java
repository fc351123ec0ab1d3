package org.hsmc.node;

import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules docs/bundle-format.md states, re-derived on its own worked example from the document's text
 * alone: the signature over signedAttrs re-tagged as a SET OF, wrapped_keys_sha256 over the decoded
 * wrapped keys (and over empty input when there is none), the order of the keys.
 */
class BundleFormatDocRulesTest {

    private static final Path DOC = Path.of("..", "docs", "bundle-format.md");

    private static String block(String doc, String name) {
        int at = doc.indexOf("<!-- example:" + name + " -->");
        assertThat(at).as(name).isNotNegative();
        int start = doc.indexOf("```\n", at) + 4;
        return doc.substring(start, doc.indexOf("\n```", start));
    }

    @Test
    void theSignatureCoversSignedAttrsReTaggedAsASetOf() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        assertThat(doc).contains("replace the first byte 0xA0 by 0x31, then hash");
        byte[] bundle = Base64.getMimeDecoder().decode(block(doc, "bundle"));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(block(doc, "certificate").getBytes(StandardCharsets.US_ASCII)));
        SignerInformation si = new CMSSignedData(bundle).getSignerInfos().getSigners().iterator().next();
        ASN1Set attrs = SignerInfo.getInstance(si.toASN1Structure()).getAuthenticatedAttributes();
        byte[] inTheFile = new DERTaggedObject(false, 0, attrs).getEncoded();
        assertThat(inTheFile[0]).isEqualTo((byte) 0xA0);
        assertThat(attrs.size()).isEqualTo(3);

        Signature asInFile = Signature.getInstance("SHA384withECDSA");
        asInFile.initVerify(cert.getPublicKey());
        asInFile.update(inTheFile);
        assertThat(asInFile.verify(si.getSignature())).as("not over the [0]-tagged bytes").isFalse();

        byte[] retagged = inTheFile.clone();
        retagged[0] = 0x31;
        Signature asDocumented = Signature.getInstance("SHA384withECDSA");
        asDocumented.initVerify(cert.getPublicKey());
        asDocumented.update(retagged);
        assertThat(asDocumented.verify(si.getSignature())).as("over the SET OF, as the document says").isTrue();
    }

    @Test
    void wrappedKeysSha256IsOverTheDecodedWrappedKeysInKeyOrder() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String manifest = block(doc, "manifest");
        Matcher wrapped = Pattern.compile("\"wrapped\":\"([A-Za-z0-9+/=]+)\"").matcher(manifest);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        int n = 0;
        while (wrapped.find()) {
            sha.update(Base64.getDecoder().decode(wrapped.group(1)));
            n++;
        }
        assertThat(n).isEqualTo(2);
        Matcher stated = Pattern.compile("\"wrapped_keys_sha256\":\"([0-9a-f]{64})\"").matcher(manifest);
        assertThat(stated.find()).isTrue();
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(stated.group(1));

        // with no keys: the SHA-256 of empty input, the value the document writes out
        String empty = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[0]));
        assertThat(doc).contains("with no keys, the SHA-256 of empty input, `" + empty + "`");

        // keys by purpose (DEK, KEK, MAC) then version
        String keyList = manifest.substring(manifest.indexOf("\"keys\":["), manifest.indexOf("\"previous_bundle_sha256\""));
        Matcher keys = Pattern.compile("\"id\":\"wk/[^/]+/([a-z]+)/v(\\d+)\"").matcher(keyList);
        List<String> order = new ArrayList<>();
        while (keys.find()) {
            order.add(keys.group(1).toUpperCase(java.util.Locale.ROOT) + String.format("%05d", Integer.parseInt(keys.group(2))));
        }
        assertThat(order).isSorted().isNotEmpty();
        assertThat(doc).contains("by purpose in the order `DEK`, `KEK`, `MAC`");
    }
}
