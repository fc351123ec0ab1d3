package org.hsmc.ceremony.custody;

/**
 * The HSM credential: 32 random bytes from the HSM's RNG, set as the HSM token's user PIN in text
 * form. The text is lower-case hex (64 characters) when the token allows PINs that long, else
 * RFC 4648 base32 without padding (52 characters); a token that allows neither cannot be adopted.
 * Nobody ever sees it: it exists only while a quorum is formed or a split is made, and is wiped
 * right after use.
 */
public final class Credential {

    public static final int BYTES = 32;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private Credential() {
    }

    /** The text length the credential takes on a token whose PINs may be {@code maxPinLength} long. */
    public static int textLength(long maxPinLength) {
        if (maxPinLength >= 64) {
            return 64;
        }
        if (maxPinLength >= 52) {
            return 52;
        }
        throw new CustodyException("The HSM token accepts PINs of at most " + maxPinLength + " characters; the"
                + " console needs at least 52 to set a 32-byte credential. Adopt a token (or configure the HSM) that"
                + " allows longer PINs.");
    }

    /** The credential's PIN text. The caller wipes both the bytes and the text. */
    public static char[] toPin(byte[] credential, long maxPinLength) {
        if (credential.length != BYTES) {
            throw new IllegalArgumentException("A credential is " + BYTES + " bytes");
        }
        if (textLength(maxPinLength) == 64) {
            char[] out = new char[64];
            for (int i = 0; i < BYTES; i++) {
                out[2 * i] = HEX[(credential[i] >> 4) & 0xF];
                out[2 * i + 1] = HEX[credential[i] & 0xF];
            }
            return out;
        }
        char[] out = new char[52];
        int buffer = 0;
        int bits = 0;
        int o = 0;
        for (byte b : credential) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out[o++] = BASE32[(buffer >> (bits - 5)) & 0x1F];
                bits -= 5;
            }
        }
        if (bits > 0) {
            out[o++] = BASE32[(buffer << (5 - bits)) & 0x1F];
        }
        buffer = 0;
        return out;
    }
}
