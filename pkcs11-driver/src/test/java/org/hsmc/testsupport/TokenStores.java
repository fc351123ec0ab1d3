package org.hsmc.testsupport;

import java.util.stream.Stream;

/**
 * The token implementations a parameterised test runs on: {@code @MethodSource("org.hsmc.testsupport.TokenStores#both")}
 * with a {@link TokenStore} parameter. A missing implementation skips its case, or fails it with CI=true.
 */
public final class TokenStores {

    private TokenStores() {
    }

    /** SoftHSM2, then NSS. */
    public static Stream<TokenStore> both() {
        return Stream.of(softHsm(), nss());
    }

    public static TokenStore softHsm() {
        require(SoftHsmStore.findModule().isPresent(), SoftHsmStore.missingMessage());
        return SoftHsmStore.shared();
    }

    public static TokenStore nss() {
        require(NssStore.findModule().isPresent(), NssStore.missingMessage());
        return NssStore.shared();
    }

    private static void require(boolean present, String message) {
        if (!present) {
            if (SoftHsmStore.inCi()) {
                throw new IllegalStateException("CI=true: " + message);
            }
            org.junit.jupiter.api.Assumptions.abort(message);
        }
    }
}
