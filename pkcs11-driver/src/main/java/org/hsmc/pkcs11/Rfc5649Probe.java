package org.hsmc.pkcs11;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC5649WrapEngine;
import org.bouncycastle.crypto.params.KeyParameter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which mechanism gives RFC 5649 (AES key wrap with padding) on a token, found by what the token does,
 * not by the mechanism's name. PKCS#11 gives 0x210A ({@code CKM_AES_KEY_WRAP_PAD}) to "PKCS#7 padding,
 * then RFC 3394" and 0x210B ({@code CKM_AES_KEY_WRAP_KWP}, PKCS#11 3.0) to RFC 5649, but tokens differ:
 * SoftHSM2 gives RFC 5649 for 0x210A, NSS the PKCS#7 form; some vendors have their own mechanism
 * (listed as data in the vendor quirks).
 *
 * <p>Each candidate the token offers (0x210B, 0x210A, then the vendor's) wraps a 32-byte key under a
 * key-encryption key, both session objects: with known values when the token takes them (the output
 * must equal Bouncy Castle's RFC 5649 wrap byte for byte), else generated (RFC 5649 gives 40 bytes,
 * the PKCS#7 form 48); the result is unwrapped again and its CMAC compared. The first candidate that
 * passes is the token's. Session objects only, destroyed before this returns.
 *
 * @param mechanism the mechanism that gives RFC 5649, or empty when none does
 * @param attempts  what each candidate did, in the order tried
 */
public record Rfc5649Probe(Optional<Long> mechanism, List<Attempt> attempts) {

    /** What a candidate mechanism did. */
    public enum Outcome {
        /** Output equal to RFC 5649 (or 40 bytes and a good round trip, where known values could not be used). */
        RFC_5649,
        /** PKCS#7 padding then RFC 3394: 48 bytes for a 32-byte key. */
        PKCS7_THEN_RFC_3394,
        /** Another output. */
        OTHER_FORM,
        /** The token answered with an error. */
        FAILED,
        /** The token does not list it. */
        NOT_OFFERED
    }

    /**
     * @param mechanism   the mechanism code
     * @param outcome     what it did
     * @param outputBytes the wrapped length for a 32-byte key (0 when nothing was wrapped)
     * @param knownAnswer true when the output was compared with Bouncy Castle's for known values
     * @param detail      the CKR name of a failure, or empty
     */
    public record Attempt(long mechanism, Outcome outcome, int outputBytes, boolean knownAnswer, String detail) {
        public String mechanismName() {
            return Mech.name(mechanism);
        }
    }

    static final byte[] KEK_VALUE = sequence(0x00);
    static final byte[] KEY_VALUE = sequence(0x40);

    public Rfc5649Probe {
        attempts = List.copyOf(attempts);
    }

    /** The candidates, in the order tried: 0x210B, 0x210A, then the vendor's. */
    static List<Long> candidates(VendorQuirks quirks) {
        Set<Long> c = new LinkedHashSet<>(List.of(Mech.AES_KEY_WRAP_KWP, Mech.AES_KEY_WRAP_PAD));
        c.addAll(quirks.kwpVendorMechanisms());
        return List.copyOf(c);
    }

    /**
     * True when the answer is final (a mechanism was found, or no candidate failed with an error). A token
     * that makes no session object before login answers with errors: the probe runs again once logged in.
     */
    public boolean decisive() {
        return mechanism.isPresent() || attempts.stream().noneMatch(a -> a.outcome() == Outcome.FAILED);
    }

    /** One sentence on what was tried, for refusals: e.g. "CKM_AES_KEY_WRAP_PAD gives PKCS#7 padding …". */
    public String summary() {
        List<String> parts = new ArrayList<>();
        for (Attempt a : attempts) {
            parts.add(a.mechanismName() + ": " + switch (a.outcome()) {
                case RFC_5649 -> "RFC 5649";
                case PKCS7_THEN_RFC_3394 -> "PKCS#7 padding then RFC 3394 (" + a.outputBytes() + " bytes for a 32-byte key), not RFC 5649";
                case OTHER_FORM -> "another format (" + a.outputBytes() + " bytes for a 32-byte key), not RFC 5649";
                case FAILED -> "failed (" + a.detail() + ")";
                case NOT_OFFERED -> "not offered";
            });
        }
        return String.join("; ", parts);
    }

    static Rfc5649Probe run(Token token) {
        List<Attempt> attempts = new ArrayList<>();
        Long chosen = null;
        boolean privateObjects = token.isLoggedIn();
        try (Session s = token.openSession()) {
            for (long m : candidates(token.quirks())) {
                if (!token.capabilities().has(m)) {
                    attempts.add(new Attempt(m, Outcome.NOT_OFFERED, 0, false, ""));
                    continue;
                }
                Attempt a = attempt(s, m, privateObjects);
                attempts.add(a);
                if (a.outcome() == Outcome.RFC_5649 && chosen == null) {
                    chosen = m;
                    break;
                }
            }
        }
        return new Rfc5649Probe(Optional.ofNullable(chosen), attempts);
    }

    private static Attempt attempt(Session s, long m, boolean privateObjects) {
        List<KeyHandle> made = new ArrayList<>();
        try {
            KeyHandle kek;
            KeyHandle key;
            boolean known = true;
            try {
                kek = s.probeKey(KEK_VALUE, privateObjects);
                made.add(kek);
                key = s.probeKey(KEY_VALUE, privateObjects);
                made.add(key);
            } catch (Pkcs11Exception refused) {
                // the token takes no clear key values (some HSMs in a FIPS mode): generated keys, judged by length
                known = false;
                kek = s.probeKey(null, privateObjects);
                made.add(kek);
                key = s.probeKey(null, privateObjects);
                made.add(key);
            }
            byte[] wrapped = s.wrapWith(m, kek, key);
            Outcome outcome;
            if (known) {
                outcome = Arrays.equals(wrapped, rfc5649(KEK_VALUE, KEY_VALUE)) ? Outcome.RFC_5649
                        : wrapped.length == 48 ? Outcome.PKCS7_THEN_RFC_3394 : Outcome.OTHER_FORM;
            } else {
                outcome = formByLength(wrapped.length);
            }
            if (outcome == Outcome.RFC_5649) {
                KeyHandle back = s.unwrapProbe(m, kek, wrapped, privateObjects);
                made.add(back);
                if (!Arrays.equals(s.cmac(back, Kcv.ZERO_BLOCK), s.cmac(key, Kcv.ZERO_BLOCK))) {
                    return new Attempt(m, Outcome.OTHER_FORM, wrapped.length, known, "the round trip gave another key");
                }
            }
            return new Attempt(m, outcome, wrapped.length, known, "");
        } catch (Pkcs11Exception e) {
            return new Attempt(m, Outcome.FAILED, 0, false, e.ckr() == Pkcs11Exception.NO_CKR ? e.getClass().getSimpleName() : Ckr.name(e.ckr()));
        } finally {
            for (KeyHandle h : made) {
                try {
                    s.destroy(h);
                } catch (Pkcs11Exception ignored) {
                    // a session object; it goes with the session at the latest
                }
            }
        }
    }

    private static Outcome formByLength(int length) {
        return length == 40 ? Outcome.RFC_5649 : length == 48 ? Outcome.PKCS7_THEN_RFC_3394 : Outcome.OTHER_FORM;
    }

    /** Bouncy Castle's RFC 5649 wrap: the outside reference the token's output must equal. */
    static byte[] rfc5649(byte[] kek, byte[] key) {
        RFC5649WrapEngine e = new RFC5649WrapEngine(AESEngine.newInstance());
        e.init(true, new KeyParameter(kek));
        return e.wrap(key, 0, key.length);
    }

    private static byte[] sequence(int start) {
        byte[] b = new byte[32];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (start + i * 7);
        }
        return b;
    }
}
