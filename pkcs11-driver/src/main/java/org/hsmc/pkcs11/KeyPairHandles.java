package org.hsmc.pkcs11;

/** The two halves of a key pair made on a token. */
public record KeyPairHandles(KeyHandle publicKey, KeyHandle privateKey) {
}
