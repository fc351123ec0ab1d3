package org.hsmc.ceremony.audit;

import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyPairTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checkpoints signed by a real SoftHSM2 EC P-384 key verify with its public key alone, in the store and in an export. */
@RequiresSoftHsm
class HsmAuditSignerTest {

    private static Pkcs11Module module;
    private static Token hsm;

    @BeforeAll
    static void open(SoftHsmStore softHsm) {
        module = Pkcs11Module.load(softHsm.module(), softHsm.environment());
        hsm = module.token(SoftHsmStore.HSM);
        if (!hsm.isLoggedIn()) {
            char[] pin = softHsm.userPin(SoftHsmStore.HSM);
            try {
                hsm.login(pin);
            } finally {
                Arrays.fill(pin, '\0');
            }
        }
    }

    @AfterAll
    static void close() {
        hsm.logout();
        module.close();
    }

    private static KeyPairHandles keyPair(EcCurve curve, KeyUsage usage) {
        try (Session s = hsm.openSession()) {
            return s.generateEcKeyPair(curve, KeyPairTemplate.of("test/audit/" + UUID.randomUUID(), null, false, false, usage));
        }
    }

    @Test
    void aCheckpointSignedInTheHsmVerifiesWithThePublicKeyAlone(@TempDir Path dir) {
        HsmAuditSigner signer = HsmAuditSigner.of(hsm, keyPair(EcCurve.P384, KeyUsage.SIGN), HsmAuditSigner.DEFAULT_KEY_ID);
        PublicKey pub = SignerKeys.fromSpki(signer.publicKeyInfo());
        Path file = dir.resolve("audit.jsonl");
        try (Store store = Store.open(dir.resolve("console.db"))) {
            AuditLog log = new AuditLog(store, Clock.systemUTC());
            log.append(new AuditEvent("Ada Lovelace", "quorum.hsm_opened", Outcome.DONE, Map.of("hsm", SoftHsmStore.HSM)));
            Checkpoint cp = log.checkpoint(signer);
            assertThat(cp.signature()).hasSize(96);
            assertThat(SignerKeys.verify(pub, cp.statement(), cp.signature())).isTrue();
            log.append(new AuditEvent("Ada Lovelace", "quorum.closed", Outcome.DONE));
            log.checkpoint(signer);
            AuditVerification v = log.verify(Optional.of(log.head()));
            assertThat(v.intact()).as(v.message()).isTrue();
            assertThat(v.checkpointsVerified()).isEqualTo(2);
            log.export(file);
        }
        AuditVerification elsewhere = AuditVerifier.verifyExport(file, Optional.empty(), Optional.of(SignerKeys.fromPem(SignerKeys.toPem(pub))));
        assertThat(elsewhere.intact()).as(elsewhere.message()).isTrue();
        assertThat(elsewhere.lastCheckpointSeq()).hasValue(3);
    }

    @Test
    void onlyAnEcP384SigningKeyServes() {
        assertThatThrownBy(() -> HsmAuditSigner.of(hsm, keyPair(EcCurve.P256, KeyUsage.SIGN), "audit-signer/v1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EC P-384");
        assertThatThrownBy(() -> HsmAuditSigner.of(hsm, keyPair(EcCurve.P384, KeyUsage.DERIVE), "audit-signer/v1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("may sign");
    }
}
