package org.hsmc.ceremony.custody;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.Session;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * Encrypts a share to one card, and opens it on that card.
 *
 * <p>To the card: a fresh ephemeral EC P-256 key pair; Z = ECDH(ephemeral private, card public);
 * K = HKDF-SHA256(ikm = Z, salt = "hsmc-share-v1", info = "hsmc-share-v1|" + cardSetId + "|" + serial
 * + "|" + index, 32 bytes); ciphertext = AES-256-GCM(K, 12-byte random nonce, share, AAD = the same
 * text as info). Stored: the ephemeral public key, the nonce and the ciphertext.
 *
 * <p>On the card: Z = ECDH on the card (CKM_ECDH1_DERIVE with the card's private key and the stored
 * ephemeral public key), then the same K and GCM decryption. A share opened with another card, for
 * another card set or another index fails the GCM check.
 */
public final class ShareCipher {

    /** The stored form of an encrypted share. */
    public record EncryptedShare(byte[] ephemeralPublic, byte[] nonce, byte[] ciphertext) {
    }

    private static final byte[] SALT = "hsmc-share-v1".getBytes(StandardCharsets.US_ASCII);

    private final SecureRandom random;

    public ShareCipher(SecureRandom random) {
        this.random = random;
    }

    public EncryptedShare encrypt(byte[] share, ECPublicKey card, String cardSetId, String serial, int index) {
        byte[] z = null;
        byte[] k = null;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair eph = g.generateKeyPair();
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(eph.getPrivate());
            ka.doPhase(card, true);
            z = ka.generateSecret();
            byte[] context = context(cardSetId, serial, index);
            k = hkdf(z, context);
            byte[] nonce = new byte[12];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(context);
            return new EncryptedShare(eph.getPublic().getEncoded(), nonce, c.doFinal(share));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("share encryption failed", e);
        } finally {
            Secrets.wipe(z);
            Secrets.wipe(k);
        }
    }

    /**
     * Opens a share with the card's private key, on the card (the card must be logged in). Returns
     * the share, which the caller wipes; throws {@link CustodyException} when it does not open.
     */
    public static byte[] decryptOnCard(Session card, KeyHandle cardPrivateKey, EncryptedShare e, String cardSetId,
                                       String serial, int index) {
        byte[] z = null;
        byte[] k = null;
        try {
            ECPublicKey eph = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(e.ephemeralPublic()));
            z = card.ecdhDeriveSecret(cardPrivateKey, eph, 32);
            byte[] context = context(cardSetId, serial, index);
            k = hkdf(z, context);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(128, e.nonce()));
            c.updateAAD(context);
            return c.doFinal(e.ciphertext());
        } catch (AEADBadTagException bad) {
            throw new CustodyException("The share stored for card " + serial + " does not open with this card's key:"
                    + " the card holds a different key than the one enrolled, or the stored share was altered.", bad);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("share decryption failed", ex);
        } finally {
            Secrets.wipe(z);
            Secrets.wipe(k);
        }
    }

    private static byte[] context(String cardSetId, String serial, int index) {
        return ("hsmc-share-v1|" + cardSetId + "|" + serial + "|" + index).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hkdf(byte[] z, byte[] info) {
        HKDFBytesGenerator h = new HKDFBytesGenerator(new SHA256Digest());
        h.init(new HKDFParameters(z, SALT, info));
        byte[] k = new byte[32];
        h.generateBytes(k, 0, 32);
        return k;
    }
}
