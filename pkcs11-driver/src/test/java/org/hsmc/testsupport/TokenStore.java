package org.hsmc.testsupport;

import org.hsmc.pkcs11.ModuleConfig;

import java.util.List;

/**
 * A throwaway set of software tokens for one test JVM, found by label ({@code hsm}, {@code hsm-spare},
 * {@code hsm-b}, {@code node}, {@code hsm-dr}, {@code card-01} …), on one PKCS#11 implementation:
 * SoftHSM2 ({@link SoftHsmStore}) or NSS's softokn ({@link NssStore}). Tests that must hold on both
 * take the store as a parameter ({@link TokenStores#both()}).
 */
public interface TokenStore {

    /** "SoftHSM2" or "NSS": for test names and messages. */
    String implementation();

    /** How to load the module of this store (path, environment, initialisation arguments). */
    ModuleConfig moduleConfig();

    List<String> labels();

    /** A fresh copy of the token's initial user PIN; the caller may wipe it. */
    char[] userPin(String label);

    /** A fresh copy of the security officer PIN of the store's tokens (empty for NSS). */
    char[] soPin();
}
