package org.hsmc.ceremony.script;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A script that passed both passes, with the hash the quorum signs.
 *
 * @param script     what the ceremony will do
 * @param sha256     SHA-256 of the exact bytes that were parsed (32 bytes; copied in and out)
 * @param sourceName the file name or other label the script was read from
 */
public record ParsedScript(CeremonyScript script, byte[] sha256, String sourceName) {
    public ParsedScript {
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(sourceName, "sourceName");
        if (sha256.length != 32) {
            throw new IllegalArgumentException("A SHA-256 is 32 bytes, not " + sha256.length);
        }
        sha256 = sha256.clone();
    }

    /** A copy of the SHA-256 of the file's bytes. */
    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** The SHA-256 as 64 lower-case hex digits, as {@code sha256sum} prints it. */
    public String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParsedScript p && script.equals(p.script) && Arrays.equals(sha256, p.sha256)
                && sourceName.equals(p.sourceName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(script, Arrays.hashCode(sha256), sourceName);
    }

    @Override
    public String toString() {
        return "ParsedScript[" + script.type() + " from " + sourceName + ", sha256=" + sha256Hex() + "]";
    }
}
