package org.hsmc.ceremony.bundle;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.operator.ContentSigner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * A bundle written as a stream: the same DER bytes as {@link BundleCms#sign} (docs/bundle-format.md), made without
 * holding the manifest. The manifest ({@code head}, the spooled key objects, {@code tail}) passes once through the
 * SHA-384 of the CMS message-digest attribute while Bouncy Castle makes a detached SignedData (the signature over the
 * signed attributes still made by the given signer, in the console the HSM's bundle signing key); then the attached
 * encoding is written around the manifest: every length of DER is known from the manifest's length, so the bytes before
 * the manifest and those after it are computed, and the manifest is copied between them.
 */
final class StreamedBundle {

    /** Where the manifest's bytes come from, as many times as asked. */
    @FunctionalInterface
    interface Manifest {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Manifest manifest;
    private final long manifestLength;
    private final byte[] prefix;
    private final byte[] suffix;
    private final byte[] manifestSha384;

    private StreamedBundle(Manifest manifest, long manifestLength, byte[] prefix, byte[] suffix, byte[] manifestSha384) {
        this.manifest = manifest;
        this.manifestLength = manifestLength;
        this.prefix = prefix;
        this.suffix = suffix;
        this.manifestSha384 = manifestSha384;
    }

    /** A manifest of head, spooled key objects and tail. */
    static Manifest of(byte[] head, ManifestSpool spool, byte[] tail) {
        return out -> {
            out.write(head);
            try (InputStream in = spool.open()) {
                in.transferTo(out);
            }
            out.write(tail);
        };
    }

    /** Signs the manifest of {@code manifestLength} bytes with {@code signer} and {@code certificate}. */
    static StreamedBundle sign(Manifest manifest, long manifestLength, X509Certificate certificate, ContentSigner signer,
                               Instant signingTime) {
        MessageDigest sha384 = sha384();
        long[] seen = new long[1];
        CMSTypedData content = new CMSTypedData() {
            @Override
            public ASN1ObjectIdentifier getContentType() {
                return CMSObjectIdentifiers.data;
            }

            @Override
            public void write(OutputStream out) throws IOException {
                sha384.reset();
                seen[0] = 0;
                manifest.writeTo(new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        sha384.update(b, off, len);
                        seen[0] += len;
                        out.write(b, off, len);
                    }
                });
            }

            @Override
            public Object getContent() {
                return manifest; // not null, so that the generator calls write(); detached, it reads nothing else
            }
        };
        CMSSignedData detached = BundleCms.generate(content, certificate, signer, signingTime, false);
        if (seen[0] != manifestLength) {
            throw new IllegalStateException("The manifest is " + seen[0] + " bytes, not the " + manifestLength + " expected.");
        }
        byte[] digest = sha384.digest();
        try {
            SignedData sd = SignedData.getInstance(detached.toASN1Structure().getContent());
            byte[] version = sd.getVersion().getEncoded(ASN1Encoding.DER);
            byte[] digestAlgorithms = sd.getDigestAlgorithms().getEncoded(ASN1Encoding.DER);
            byte[] certificates = new DERTaggedObject(false, 0, sd.getCertificates()).getEncoded(ASN1Encoding.DER);
            byte[] signerInfos = sd.getSignerInfos().getEncoded(ASN1Encoding.DER);
            byte[] dataOid = CMSObjectIdentifiers.data.getEncoded(ASN1Encoding.DER);
            byte[] signedDataOid = CMSObjectIdentifiers.signedData.getEncoded(ASN1Encoding.DER);

            long octets = tlvLength(manifestLength);                 // OCTET STRING
            long explicitContent = tlvLength(octets);                // [0] EXPLICIT
            long encap = tlvLength(dataOid.length + explicitContent); // EncapsulatedContentInfo
            long signedDataBody = version.length + digestAlgorithms.length + encap + certificates.length + signerInfos.length;
            long signedData = tlvLength(signedDataBody);
            long contentInfoBody = signedDataOid.length + tlvLength(signedData);

            ByteArrayOutputStream pre = new ByteArrayOutputStream(64 + version.length + digestAlgorithms.length);
            header(pre, 0x30, contentInfoBody);
            pre.write(signedDataOid);
            header(pre, 0xA0, signedData);
            header(pre, 0x30, signedDataBody);
            pre.write(version);
            pre.write(digestAlgorithms);
            header(pre, 0x30, dataOid.length + explicitContent);
            pre.write(dataOid);
            header(pre, 0xA0, octets);
            header(pre, 0x04, manifestLength);
            ByteArrayOutputStream post = new ByteArrayOutputStream(certificates.length + signerInfos.length);
            post.write(certificates);
            post.write(signerInfos);
            StreamedBundle b = new StreamedBundle(manifest, manifestLength, pre.toByteArray(), post.toByteArray(), digest);
            BundleCms.checkSignedOver(detached, certificate, b.manifestSha384);
            return b;
        } catch (IOException e) {
            throw new IllegalStateException("The bundle could not be encoded: " + e.getMessage(), e);
        }
    }

    /** The length of the whole bundle file. */
    long length() {
        return prefix.length + manifestLength + suffix.length;
    }

    /** Writes the bundle's DER bytes. */
    void writeTo(OutputStream out) {
        try {
            out.write(prefix);
            manifest.writeTo(out);
            out.write(suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Length of a DER element whose contents are {@code contentLength} bytes (one-byte tag). */
    static long tlvLength(long contentLength) {
        return 1 + lengthOctets(contentLength) + contentLength;
    }

    private static int lengthOctets(long n) {
        if (n < 0x80) {
            return 1;
        }
        int bytes = 0;
        for (long v = n; v > 0; v >>>= 8) {
            bytes++;
        }
        return 1 + bytes;
    }

    private static void header(ByteArrayOutputStream out, int tag, long length) {
        out.write(tag);
        if (length < 0x80) {
            out.write((int) length);
            return;
        }
        int bytes = lengthOctets(length) - 1;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (length >>> (8 * i)) & 0xFF);
        }
    }

    private static MessageDigest sha384() {
        try {
            return MessageDigest.getInstance("SHA-384");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-384", e);
        }
    }
}
