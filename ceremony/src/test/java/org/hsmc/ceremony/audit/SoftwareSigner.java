package org.hsmc.ceremony.audit;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/** An audit signer with a software EC P-384 key (Java's provider), for unit tests. */
final class SoftwareSigner implements AuditSigner {

    private final String keyId;
    private final KeyPair pair;

    SoftwareSigner(String keyId) {
        this.keyId = keyId;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp384r1"));
            this.pair = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    PublicKey publicKey() {
        return pair.getPublic();
    }

    @Override
    public String keyId() {
        return keyId;
    }

    @Override
    public byte[] publicKeyInfo() {
        return pair.getPublic().getEncoded();
    }

    @Override
    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
            s.initSign(pair.getPrivate());
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
