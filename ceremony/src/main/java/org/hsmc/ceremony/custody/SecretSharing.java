package org.hsmc.ceremony.custody;

import org.bouncycastle.crypto.threshold.ShamirSecretSplitter;
import org.bouncycastle.crypto.threshold.ShamirSplitSecret;
import org.bouncycastle.crypto.threshold.ShamirSplitSecretShare;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Shamir's secret sharing over GF(2^8) (Bouncy Castle's {@code ShamirSecretSplitter}, AES field
 * polynomial): M of N shares rebuild the secret; fewer reveal nothing about it.
 */
public final class SecretSharing {

    /** One share: its x coordinate (1..N) and its bytes (as long as the secret). */
    public record Share(int index, byte[] value) {
    }

    private SecretSharing() {
    }

    /** Splits {@code secret} into {@code n} shares, any {@code m} of which rebuild it. The caller wipes the shares. */
    public static List<Share> split(byte[] secret, int m, int n, SecureRandom random) {
        if (m < 2 || n < m || n > 255) {
            throw new IllegalArgumentException("A split needs 2 ≤ M ≤ N ≤ 255, not M=" + m + ", N=" + n);
        }
        ShamirSecretSplitter splitter = ShamirSecretSplitter.getInstance(ShamirSecretSplitter.Algorithm.AES,
                secret.length, random);
        ShamirSplitSecret split = splitter.resplit(secret.clone(), m, n);
        List<Share> out = new ArrayList<>(n);
        ShamirSplitSecretShare[] shares = split.getSecretShares();
        for (int i = 0; i < shares.length; i++) {
            try {
                out.add(new Share(i + 1, shares[i].getEncoded()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** Rebuilds the secret from at least M shares. The caller wipes the result. */
    public static byte[] combine(List<Share> shares) {
        ShamirSplitSecretShare[] s = new ShamirSplitSecretShare[shares.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = new ShamirSplitSecretShare(shares.get(i).value().clone(), shares.get(i).index());
        }
        try {
            return ShamirSplitSecret.getInstance(ShamirSecretSplitter.Algorithm.AES, s).getSecret();
        } catch (IOException e) {
            throw new IllegalStateException("the shares could not be combined", e);
        }
    }
}
