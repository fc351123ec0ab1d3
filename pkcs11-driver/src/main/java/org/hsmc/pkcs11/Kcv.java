package org.hsmc.pkcs11;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The key check value, the one rule used everywhere (store, forms, bundles, reports):
 *
 * <blockquote><b>KCV = the leftmost 5 bytes of AES-CMAC(key, 16 zero bytes)</b>, as ANSI X9.24-1:2017
 * defines it for AES keys. It is written as 10 upper-case hex digits; screens that show fewer show
 * the leftmost 6 hex digits (3 bytes), as many HSMs do.</blockquote>
 *
 * <p>On a token it is computed with CKM_AES_CMAC ({@link Session#kcv}); never read from
 * CKA_CHECK_VALUE, which tokens fill in differently or not at all. Here it is computed in Java,
 * only for clear values that are already in the JVM by design (typed or printed key components).
 */
public final class Kcv {

    /** Bytes of a KCV. */
    public static final int LENGTH = 5;
    /** The CMAC input: one zero block. */
    static final byte[] ZERO_BLOCK = new byte[16];

    private final byte[] value;

    private Kcv(byte[] value) {
        if (value.length != LENGTH) {
            throw new IllegalArgumentException("A KCV is " + LENGTH + " bytes, not " + value.length);
        }
        this.value = value.clone();
    }

    /** The KCV from a full CMAC (16 bytes) or from its first 5 bytes. */
    public static Kcv fromCmac(byte[] cmac) {
        return new Kcv(Arrays.copyOf(cmac, LENGTH));
    }

    /** Parses 10 hex digits (spaces allowed). */
    public static Kcv parse(String hex) {
        String clean = hex.replace(" ", "");
        if (clean.length() != LENGTH * 2) {
            throw new IllegalArgumentException("A KCV is " + (LENGTH * 2) + " hex digits, not '" + hex + "'");
        }
        return new Kcv(HexFormat.of().parseHex(clean));
    }

    /** The KCV of a clear AES key (16, 24 or 32 bytes). The caller keeps and wipes the key bytes. */
    public static Kcv ofClearAesKey(byte[] key) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("An AES key is 16, 24 or 32 bytes long, not " + key.length);
        }
        CMac mac = new CMac(AESEngine.newInstance());
        mac.init(new KeyParameter(key));
        mac.update(ZERO_BLOCK, 0, ZERO_BLOCK.length);
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return fromCmac(out);
    }

    public byte[] bytes() {
        return value.clone();
    }

    /** 10 upper-case hex digits. */
    public String hex() {
        return HexFormat.of().formatHex(value).toUpperCase(Locale.ROOT);
    }

    /** The leftmost 6 hex digits, as HSM screens show them. */
    public String shortHex() {
        return hex().substring(0, 6);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Kcv k && java.security.MessageDigest.isEqual(value, k.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return hex();
    }
}
