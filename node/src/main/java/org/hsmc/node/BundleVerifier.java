package org.hsmc.node;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerIdentifier;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Verifies a bundle as docs/bundle-format.md specifies it, against one pinned console certificate:
 *
 * <ol>
 *   <li>the bytes are one DER CMS SignedData of exactly the console's shape (one SHA-384 digest algorithm,
 *       {@code id-data} content, exactly one certificate, no CRLs, one signer by issuer and serial number, ECDSA
 *       with SHA-384, exactly the signed attributes content-type, message-digest and signing-time, no unsigned
 *       attributes), re-encoded from its parts byte for byte, so that no byte outside the signature's cover is
 *       free;</li>
 *   <li>the certificate it carries and the signer it names are the trusted certificate, which is valid now;</li>
 *   <li>the signature over the signed attributes verifies with the trusted key, and the manifest's SHA-384 is
 *       the signed message digest;</li>
 *   <li>the manifest is canonical JSON of the bundle format, its created_at is the signing-time, and it has not
 *       expired.</li>
 * </ol>
 *
 * <p>Anything else is a {@link BundleRefusedException} with its own {@link Refusal}; no input makes it throw
 * anything else (a fuzz test holds it to that). Thread-safe.
 */
public final class BundleVerifier {

    /** The largest bundle read: 64 MiB (10,000 keys make about 4 MiB). */
    public static final int MAX_BYTES = 64 * 1024 * 1024;

    private static final AlgorithmIdentifier SHA384 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha384);
    private static final AlgorithmIdentifier ECDSA_SHA384 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA384);

    private final TrustedConsole trust;
    private final Clock clock;

    public BundleVerifier(TrustedConsole trust, Clock clock) {
        this.trust = trust;
        this.clock = clock;
    }

    /** The parts of a parsed bundle. */
    private record Parts(byte[] manifest, byte[] certificate, IssuerAndSerialNumber signer, ASN1Set signedAttributes,
                         byte[] messageDigest, Instant signingTime, byte[] signature) {
    }

    /**
     * Checks a bundle's form, signer, signature, manifest and expiry. Zone and sequence are the node's own
     * checks: {@link #checkFor}.
     */
    public VerifiedBundle verify(byte[] bundle) {
        if (bundle.length > MAX_BYTES) {
            throw new BundleRefusedException(Refusal.MALFORMED, "it is " + bundle.length + " bytes, more than the " + MAX_BYTES
                    + " a bundle may be");
        }
        String notDer = DerGuard.check(bundle);
        if (notDer != null) {
            throw new BundleRefusedException(Refusal.MALFORMED, "it is not one DER structure: " + notDer);
        }
        Parts p = parse(bundle);

        if (!Arrays.equals(p.certificate(), trust.der())) {
            throw new BundleRefusedException(Refusal.CERTIFICATE_NOT_TRUSTED, "it carries the certificate " + describe(p.certificate())
                    + ", not the trusted console certificate " + trust.subject() + " (SHA-256 " + trust.fingerprint() + ")");
        }
        IssuerAndSerialNumber pinned = pinnedSigner();
        if (!pinned.equals(p.signer())) {
            throw new BundleRefusedException(Refusal.CERTIFICATE_NOT_TRUSTED, "its signer is named as " + describe(p.signer())
                    + ", not as the trusted console certificate");
        }
        if (!Arrays.equals(rebuild(p), bundle)) {
            throw new BundleRefusedException(Refusal.MALFORMED, "it is not in the exact form a console writes (docs/bundle-format.md):"
                    + " a field outside the signature was changed");
        }
        Instant now = clock.instant();
        trust.requireValidAt(now);

        if (!signatureVerifies(p)) {
            throw new BundleRefusedException(Refusal.SIGNATURE_INVALID, "the signature does not verify with the key of the trusted"
                    + " console certificate " + trust.subject() + "; the signature or the signed attributes were changed");
        }
        byte[] digest = sha384(p.manifest());
        if (!MessageDigest.isEqual(digest, p.messageDigest())) {
            if (Manifest.wrappedKeysDisagree(p.manifest())) {
                throw new BundleRefusedException(Refusal.WRAPPED_KEY_ALTERED, "the manifest's SHA-384 is not the signed message digest,"
                        + " and its wrapped keys no longer match its wrapped_keys_sha256; no key of it may be used");
            }
            throw new BundleRefusedException(Refusal.CONTENT_ALTERED, "the manifest's SHA-384 is not the message digest the console"
                    + " signed; nothing of it may be used");
        }

        Manifest m;
        try {
            m = Manifest.parse(p.manifest());
        } catch (Manifest.Invalid e) {
            throw new BundleRefusedException(Refusal.MANIFEST_INVALID, e.getMessage());
        }
        if (!m.createdAt().equals(p.signingTime())) {
            throw new BundleRefusedException(Refusal.MANIFEST_INVALID, "created_at " + m.createdAt() + " is not the signing-time "
                    + p.signingTime());
        }
        if (!now.isBefore(m.expiresAt())) {
            throw new BundleRefusedException(Refusal.EXPIRED, "bundle " + m.sequence() + " of zone " + m.zone() + " expired at "
                    + m.expiresAt() + " (it is " + now + "); ask the console for a new one");
        }
        return new VerifiedBundle(m, HexFormat.of().formatHex(sha256(bundle)), p.signingTime(), trust.subject());
    }

    /**
     * The node's own checks of a verified bundle: it is for {@code zone}, and newer than the last bundle the node
     * imported for it ({@code state} may be null to skip this), following it when it is the very next one.
     */
    public static void checkFor(VerifiedBundle b, String zone, NodeState state) {
        Manifest m = b.manifest();
        if (zone != null && !zone.equals(m.zone())) {
            throw new BundleRefusedException(Refusal.WRONG_ZONE, "it is bundle " + m.sequence() + " of zone " + m.zone()
                    + "; this node is in zone " + zone);
        }
        if (state == null) {
            return;
        }
        NodeState.Entry last = state.last(m.zone()).orElse(null);
        if (last == null) {
            return;
        }
        if (m.sequence() <= last.sequence()) {
            throw new BundleRefusedException(Refusal.ROLLBACK, "it is bundle " + m.sequence() + " of zone " + m.zone()
                    + (m.sequence() == last.sequence() ? ", the one" : ", but bundle " + last.sequence())
                    + " was imported already (" + last.importedAt() + "); a node never goes back to an older bundle");
        }
        if (m.sequence() == last.sequence() + 1 && !last.sha256().equals(m.previousSha256())) {
            throw new BundleRefusedException(Refusal.CHAIN_BROKEN, "bundle " + m.sequence() + " names " + m.previousSha256()
                    + " as bundle " + last.sequence() + ", but this node imported " + last.sha256() + " as bundle "
                    + last.sequence() + "; the two come from different console histories. Ask the console's officers");
        }
    }

    private Parts parse(byte[] bundle) {
        try {
            ASN1Primitive root = ASN1Primitive.fromByteArray(bundle);
            ContentInfo ci = ContentInfo.getInstance(root);
            require(CMSObjectIdentifiers.signedData.equals(ci.getContentType()), "it is not CMS SignedData");
            SignedData sd = SignedData.getInstance(ci.getContent());
            require(sd.getVersion().hasValue(1), "its SignedData version is not 1");
            require(sd.getDigestAlgorithms().size() == 1 && SHA384.equals(AlgorithmIdentifier.getInstance(
                    sd.getDigestAlgorithms().getObjectAt(0))), "its digest algorithm is not SHA-384 alone");
            ContentInfo encap = sd.getEncapContentInfo();
            require(CMSObjectIdentifiers.data.equals(encap.getContentType()), "its content type is not id-data");
            require(encap.getContent() instanceof ASN1OctetString, "it carries no manifest");
            byte[] manifest = ((ASN1OctetString) encap.getContent()).getOctets();
            ASN1Set certs = sd.getCertificates();
            require(certs != null && certs.size() == 1, "it does not carry exactly one certificate");
            byte[] cert = Certificate.getInstance(certs.getObjectAt(0)).getEncoded(ASN1Encoding.DER);
            require(sd.getCRLs() == null, "it carries CRLs");
            require(sd.getSignerInfos().size() == 1, "it does not have exactly one signer");
            SignerInfo si = SignerInfo.getInstance(sd.getSignerInfos().getObjectAt(0));
            require(si.getVersion().hasValue(1) && !si.getSID().isTagged(), "its signer is not named by issuer and serial number");
            IssuerAndSerialNumber signer = IssuerAndSerialNumber.getInstance(si.getSID().getId());
            require(SHA384.equals(si.getDigestAlgorithm()), "its signer's digest algorithm is not SHA-384");
            require(ECDSA_SHA384.equals(si.getDigestEncryptionAlgorithm()), "its signature algorithm is not ECDSA with SHA-384");
            require(si.getUnauthenticatedAttributes() == null, "it has unsigned attributes");
            ASN1Set attrs = si.getAuthenticatedAttributes();
            require(attrs != null && attrs.size() == 3, "it does not have exactly three signed attributes");
            byte[] messageDigest = null;
            Instant signingTime = null;
            boolean contentType = false;
            for (ASN1Encodable e : attrs) {
                Attribute a = Attribute.getInstance(e);
                require(a.getAttrValues().size() == 1, "a signed attribute has more than one value");
                ASN1Encodable v = a.getAttrValues().getObjectAt(0);
                ASN1ObjectIdentifier type = a.getAttrType();
                if (CMSAttributes.contentType.equals(type) && !contentType) {
                    require(CMSObjectIdentifiers.data.equals(v), "its content-type attribute is not id-data");
                    contentType = true;
                } else if (CMSAttributes.messageDigest.equals(type) && messageDigest == null) {
                    messageDigest = ASN1OctetString.getInstance(v).getOctets();
                    require(messageDigest.length == 48, "its message digest is not a SHA-384");
                } else if (CMSAttributes.signingTime.equals(type) && signingTime == null) {
                    signingTime = Time.getInstance(v).getDate().toInstant();
                } else {
                    throw new BundleRefusedException(Refusal.MALFORMED, "its signed attributes are not exactly content-type,"
                            + " message-digest and signing-time");
                }
            }
            byte[] signature = si.getEncryptedDigest().getOctets();
            return new Parts(manifest, cert, signer, attrs, messageDigest, signingTime, signature);
        } catch (BundleRefusedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BundleRefusedException(Refusal.MALFORMED, "it is not CMS SignedData (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new BundleRefusedException(Refusal.MALFORMED, what);
        }
    }

    private IssuerAndSerialNumber pinnedSigner() {
        Certificate c = Certificate.getInstance(trust.der());
        return new IssuerAndSerialNumber(c.getIssuer(), c.getSerialNumber().getValue());
    }

    /** The bundle as a console writes these parts, in DER. */
    private byte[] rebuild(Parts p) {
        try {
            ASN1EncodableVector attrs = new ASN1EncodableVector();
            p.signedAttributes().forEach(attrs::add);
            SignerInfo si = new SignerInfo(new SignerIdentifier(p.signer()), SHA384, new DERSet(attrs), ECDSA_SHA384,
                    new DEROctetString(p.signature()), null);
            SignedData sd = new SignedData(new DERSet(SHA384), new ContentInfo(CMSObjectIdentifiers.data,
                    new DEROctetString(p.manifest())), new DERSet(Certificate.getInstance(p.certificate())), null, new DERSet(si));
            return new ContentInfo(CMSObjectIdentifiers.signedData, sd).getEncoded(ASN1Encoding.DER);
        } catch (IOException | RuntimeException e) {
            throw new BundleRefusedException(Refusal.MALFORMED, "its parts do not make a bundle again", e);
        }
    }

    private boolean signatureVerifies(Parts p) {
        try {
            ASN1Sequence rs = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(p.signature()));
            if (rs.size() != 2 || !Arrays.equals(new DERSequence(new ASN1Encodable[] {ASN1Integer.getInstance(rs.getObjectAt(0)),
                    ASN1Integer.getInstance(rs.getObjectAt(1))}).getEncoded(ASN1Encoding.DER), p.signature())) {
                return false;
            }
            Signature v = Signature.getInstance("SHA384withECDSA");
            v.initVerify(trust.certificate().getPublicKey());
            v.update(p.signedAttributes().getEncoded(ASN1Encoding.DER));
            return v.verify(p.signature());
        } catch (SignatureException | IOException | RuntimeException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA with SHA-384 is not available in this Java runtime", e);
        }
    }

    private static String describe(IssuerAndSerialNumber signer) {
        try {
            return "issuer '" + signer.getName() + "', serial " + signer.getSerialNumber().getValue().toString(16);
        } catch (RuntimeException e) {
            return "an unreadable issuer and serial number";
        }
    }

    private static String describe(byte[] certificate) {
        try {
            Certificate c = Certificate.getInstance(certificate);
            return c.getSubject() + " (SHA-256 " + TrustedConsole.fingerprint(certificate) + ")";
        } catch (RuntimeException e) {
            return "(unreadable, SHA-256 " + TrustedConsole.fingerprint(certificate) + ")";
        }
    }

    private static byte[] sha384(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-384").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
