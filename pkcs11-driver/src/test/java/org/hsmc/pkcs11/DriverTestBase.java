package org.hsmc.pkcs11;

import org.hsmc.testsupport.SoftHsmStore;

import java.util.Arrays;

/** Opens the shared SoftHSM2 store's module for a test class. */
abstract class DriverTestBase {

    static Pkcs11Module module() {
        SoftHsmStore store = SoftHsmStore.shared();
        return Pkcs11Module.load(store.module(), store.environment());
    }

    /** Logs {@code token} in with the store's PIN for it, wiping the copy. */
    static Token loggedIn(Pkcs11Module module, String label) {
        Token t = module.token(label);
        if (!t.isLoggedIn()) {
            char[] pin = SoftHsmStore.shared().userPin(label);
            try {
                t.login(pin);
            } finally {
                Arrays.fill(pin, '\0');
            }
        }
        return t;
    }
}
