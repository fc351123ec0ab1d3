package org.hsmc.ceremony.custody;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretSharingTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void anyThreeOfFiveRebuildTheSecretAndNoTwoDo() {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        List<SecretSharing.Share> shares = SecretSharing.split(secret, 3, 5, random);
        assertThat(shares).hasSize(5).allSatisfy(s -> assertThat(s.value()).hasSize(32));
        assertThat(shares).extracting(SecretSharing.Share::index).containsExactly(1, 2, 3, 4, 5);
        for (int a = 0; a < 5; a++) {
            for (int b = a + 1; b < 5; b++) {
                assertThat(SecretSharing.combine(List.of(shares.get(a), shares.get(b))))
                        .as("shares %d and %d alone", a + 1, b + 1).isNotEqualTo(secret);
                for (int c = b + 1; c < 5; c++) {
                    assertThat(SecretSharing.combine(List.of(shares.get(a), shares.get(b), shares.get(c))))
                            .as("shares %d, %d, %d", a + 1, b + 1, c + 1).isEqualTo(secret);
                }
            }
        }
        assertThat(SecretSharing.combine(new ArrayList<>(shares))).isEqualTo(secret);
    }

    @Test
    void twoSplitsOfOneSecretShareNothing() {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        List<SecretSharing.Share> first = SecretSharing.split(secret, 2, 3, random);
        List<SecretSharing.Share> second = SecretSharing.split(secret, 2, 3, random);
        assertThat(first.getFirst().value()).isNotEqualTo(second.getFirst().value());
        // mixing shares of two splits gives garbage, not the secret
        assertThat(SecretSharing.combine(List.of(first.get(0), second.get(1)))).isNotEqualTo(secret);
    }

    @Test
    void impossibleThresholdsAreRefused() {
        assertThatThrownBy(() -> SecretSharing.split(new byte[32], 1, 3, random)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretSharing.split(new byte[32], 4, 3, random)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCredentialTextFitsTheTokensPinLength() {
        byte[] credential = new byte[32];
        random.nextBytes(credential);
        assertThat(Credential.toPin(credential, 255)).hasSize(64);
        char[] b32 = Credential.toPin(credential, 60);
        assertThat(b32).hasSize(52);
        assertThat(new String(b32)).matches("[A-Z2-7]{52}");
        assertThatThrownBy(() -> Credential.toPin(credential, 32)).isInstanceOf(CustodyException.class)
                .hasMessageContaining("at most 32 characters");
    }
}
