package org.hsmc.pkcs11;

/** The PKCS#11 library could not be loaded or initialised. */
public final class ModuleLoadException extends Pkcs11Exception {

    public ModuleLoadException(String userMessage, Throwable cause) {
        super("load module", NO_CKR, userMessage, cause);
    }
}
