package org.hsmc.ceremony.bundle;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInfoGeneratorBuilder;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.Session;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;

/**
 * A bundle as CMS (RFC 5652): SignedData in DER, the manifest as encapsulated content ({@code id-data}),
 * the console certificate included, one signer identified by issuer and serial number, digest SHA-384,
 * signature ECDSA with SHA-384, and exactly three signed attributes: content-type, message-digest and
 * signing-time. {@code openssl cms -verify -inform DER -binary -CAfile console-cert.pem} accepts it.
 */
public final class BundleCms {

    private BundleCms() {
    }

    /**
     * Signs {@code manifest} in the HSM with the bundle signing key, and checks the signature just made: it
     * verifies with the certificate's key over the signed attributes, whose message digest is the manifest's.
     */
    public static byte[] signInHsm(Session hsm, KeyPairHandles signer, X509Certificate certificate, byte[] manifest,
                                   Instant signingTime) {
        CMSSignedData signed = generate(manifest, certificate, new ConsoleCertificate.HsmSigner(hsm, signer), signingTime);
        checkJustMade(signed, certificate, manifest);
        return der(signed);
    }

    /**
     * Signs {@code manifest} with {@code signer} (ECDSA P-384 with SHA-384; in the console, a signer whose
     * key stays in the HSM) and returns the DER bytes.
     */
    public static byte[] sign(byte[] manifest, X509Certificate certificate, ContentSigner signer, Instant signingTime) {
        return der(generate(manifest, certificate, signer, signingTime));
    }

    private static byte[] der(CMSSignedData signed) {
        try {
            return signed.toASN1Structure().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("The bundle could not be encoded: " + e.getMessage(), e);
        }
    }

    private static CMSSignedData generate(byte[] manifest, X509Certificate certificate, ContentSigner signer, Instant signingTime) {
        return generate(new CMSProcessableByteArray(manifest), certificate, signer, signingTime, true);
    }

    /** The SignedData of {@code content}: with it encapsulated, or detached (then the caller encodes it around the content). */
    static CMSSignedData generate(org.bouncycastle.cms.CMSTypedData content, X509Certificate certificate, ContentSigner signer,
                                  Instant signingTime, boolean encapsulate) {
        try {
            X509CertificateHolder cert = new X509CertificateHolder(certificate.getEncoded());
            Date time = Date.from(signingTime);
            CMSAttributeTableGenerator exactlyThree = params -> {
                ASN1EncodableVector v = new ASN1EncodableVector();
                v.add(new Attribute(CMSAttributes.contentType,
                        new DERSet((ASN1ObjectIdentifier) params.get(CMSAttributeTableGenerator.CONTENT_TYPE))));
                v.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(time))));
                v.add(new Attribute(CMSAttributes.messageDigest,
                        new DERSet(new DEROctetString((byte[]) params.get(CMSAttributeTableGenerator.DIGEST)))));
                return new AttributeTable(v);
            };
            CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
            gen.addSignerInfoGenerator(new SignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                    .setSignedAttributeGenerator(exactlyThree)
                    .build(signer, cert));
            gen.addCertificate(cert);
            return gen.generate(content, encapsulate);
        } catch (IOException | CMSException | OperatorCreationException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("The bundle could not be signed: " + e.getMessage(), e);
        }
    }

    /** The signature just made, checked without parsing the bundle again (which costs more than the signing). */
    private static void checkJustMade(CMSSignedData signed, X509Certificate certificate, byte[] manifest) {
        try {
            checkSignedOver(signed, certificate, MessageDigest.getInstance("SHA-384").digest(manifest));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("The bundle just signed does not verify: " + e.getMessage()
                    + ". It was not written; check that the HSM holds the bundle signing key of this console.", e);
        }
    }

    /**
     * The one signature of {@code signed}, just made in the HSM, checked with the certificate's key over its
     * signed attributes, whose message digest must be {@code manifestSha384} (the manifest's, streamed or not).
     */
    static void checkSignedOver(CMSSignedData signed, X509Certificate certificate, byte[] manifestSha384) {
        try {
            SignerInformation si = signed.getSignerInfos().getSigners().iterator().next();
            var md = si.getSignedAttributes().get(CMSAttributes.messageDigest);
            boolean digestOk = md != null && MessageDigest.isEqual(
                    ASN1OctetString.getInstance(md.getAttrValues().getObjectAt(0)).getOctets(), manifestSha384);
            Signature v = Signature.getInstance("SHA384withECDSA");
            v.initVerify(certificate.getPublicKey());
            v.update(si.getEncodedSignedAttributes());
            if (!digestOk || !v.verify(si.getSignature())) {
                throw new IllegalStateException("The bundle signature just made in the HSM does not verify with the console"
                        + " certificate. The bundle was not written; check that the HSM holds the bundle signing key of this"
                        + " console.");
            }
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("The bundle just signed does not verify: " + e.getMessage()
                    + ". It was not written; check that the HSM holds the bundle signing key of this console.", e);
        }
    }

    /**
     * Checks a bundle just made: it parses, carries {@code manifest}, and its one signature verifies with
     * {@code certificate}. Throws when not (the bundle is then not written anywhere).
     */
    public static void verify(byte[] der, X509Certificate certificate, byte[] manifest) {
        try {
            CMSSignedData signed = new CMSSignedData(der);
            byte[] content = (byte[]) signed.getSignedContent().getContent();
            if (!Arrays.equals(content, manifest)) {
                throw new IllegalStateException("The signed bundle does not carry the manifest that was signed.");
            }
            var signers = signed.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                throw new IllegalStateException("The signed bundle has " + signers.size() + " signers, not one.");
            }
            SignerInformation si = signers.iterator().next();
            if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().build(certificate))) {
                throw new IllegalStateException("The bundle signature just made in the HSM does not verify with the console"
                        + " certificate. The bundle was not written; check that the HSM holds the bundle signing key of this"
                        + " console.");
            }
        } catch (CMSException | OperatorCreationException e) {
            throw new IllegalStateException("The bundle just signed does not verify: " + e.getMessage()
                    + ". It was not written; check that the HSM holds the bundle signing key of this console.", e);
        }
    }
}
