package org.hsmc.pkcs11;

import org.hsmc.testsupport.RequiresSoftHsm;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A session copy of a token key: the same key (same KCV, wraps alike), not a token object, as unextractable as the original. */
@RequiresSoftHsm
class SessionCopyTest extends DriverTestBase {

    @Test
    void aSessionCopyIsTheSameKeyInTheSessionOnly() {
        Token t = loggedIn(module(), SoftHsmStore.HSM);
        try (Session s = t.openSession()) {
            KeyHandle tokenKey = s.createSecretKey(KeyTemplate.aes(32).label("copy-test/original").token(true).sensitive(true)
                    .extractable(false).usages(KeyUsage.WRAP, KeyUsage.UNWRAP, KeyUsage.SIGN).build(), new byte[32]);
            try {
                KeyHandle copy = s.sessionCopy(tokenKey, "copy-test/session").orElseThrow();
                KeyAttributes a = s.attributes(copy);
                assertThat(a.token()).isFalse();
                assertThat(a.sensitive()).isTrue();
                assertThat(a.extractable()).isFalse();
                assertThat(a.usages()).containsExactlyInAnyOrder(KeyUsage.WRAP, KeyUsage.UNWRAP, KeyUsage.SIGN);
                assertThat(s.kcv(copy)).isEqualTo(s.kcv(tokenKey)).isEqualTo(Kcv.ofClearAesKey(new byte[32]));
                KeyHandle wk = s.generateSecretKey(KeyTemplate.aes(16).token(false).sensitive(true).extractable(true).build());
                assertThat(s.wrap(WrapMechanism.AES_KWP, copy, wk)).isEqualTo(s.wrap(WrapMechanism.AES_KWP, tokenKey, wk));
                s.destroy(wk);
                assertThat(s.findKeys(KeyHandle.KeyClass.SECRET, "copy-test/original")).isEqualTo(List.of(tokenKey));
                s.destroy(copy);
            } finally {
                s.destroy(tokenKey);
            }
        }
    }
}
