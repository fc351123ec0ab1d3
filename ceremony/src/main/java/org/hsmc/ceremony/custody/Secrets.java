package org.hsmc.ceremony.custody;

import java.util.Arrays;
import java.util.Collection;

/** Wiping of secret arrays, in one place so that every path wipes the same way. */
public final class Secrets {

    private Secrets() {
    }

    public static void wipe(byte[] b) {
        if (b != null) {
            Arrays.fill(b, (byte) 0);
        }
    }

    public static void wipe(char[] c) {
        if (c != null) {
            Arrays.fill(c, '\0');
        }
    }

    public static void wipeAll(Collection<byte[]> all) {
        all.forEach(Secrets::wipe);
    }
}
