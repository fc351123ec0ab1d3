package org.hsmc.ceremony.audit;

import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.EcCurve;
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
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The head the HSM keeps: removing the tail of the log together with its checkpoint rows, which the log
 * alone cannot show, is TRUNCATED against the HSM's copy, privately (with the quorum) and publicly
 * (status, audit verify); and the next checkpoint is refused.
 */
@RequiresSoftHsm
class HsmAuditHeadTest {

    private static Pkcs11Module module;
    private static Token hsm;

    @BeforeAll
    static void open(SoftHsmStore softHsm) {
        module = Pkcs11Module.load(softHsm.module(), softHsm.environment());
        hsm = module.token(SoftHsmStore.HSM);
        login(softHsm);
    }

    private static void login(SoftHsmStore softHsm) {
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

    private static HsmAuditSigner signer() {
        try (Session s = hsm.openSession()) {
            return HsmAuditSigner.of(hsm, s.generateEcKeyPair(EcCurve.P384,
                    KeyPairTemplate.of("test/audit-head/" + UUID.randomUUID(), null, false, false, KeyUsage.SIGN)), "audit-signer/v1");
        }
    }

    @Test
    void theTailRemovedWithItsCheckpointsIsTruncatedWhenTheHsmIsPresent(@TempDir Path dir, SoftHsmStore softHsm) throws Exception {
        Path db = dir.resolve("console.db");
        HsmAuditSigner signer = signer();
        String logId;
        AuditHead signedAt6;
        try (Store store = Store.open(db)) {
            AuditLog log = new AuditLog(store, Clock.systemUTC());
            for (int i = 1; i <= 4; i++) {
                log.append(AuditLogTest.event(i));
            }
            log.checkpoint(signer);                              // entry 5 registers the signer; checkpoint at 5
            log.append(AuditLogTest.event(6));
            Checkpoint cp = log.checkpoint(signer);              // checkpoint at 6
            signedAt6 = log.head();
            assertThat(cp.seq()).isEqualTo(6);
            logId = log.logId().orElseThrow();
            assertThat(HsmAuditHead.readPrivate(hsm, logId)).hasValue(signedAt6);
            assertThat(HsmAuditHead.readPublic(hsm, logId)).hasValue(signedAt6);
            log.append(AuditLogTest.event(7));                   // unsigned: the HSM's head may lag, never lead
        }
        try (Attacker a = new Attacker(db)) {
            a.sql("DELETE FROM audit_entry WHERE seq >= 5");
            a.sql("DELETE FROM audit_checkpoint WHERE seq >= 5");
            a.sql("DELETE FROM audit_signer");
        }
        try (Store store = Store.open(db)) {
            AuditLog log = new AuditLog(store, Clock.systemUTC());
            assertThat(log.verify(Optional.empty()).intact()).as("the log alone cannot show this cut").isTrue();

            AuditVerification withHsm = log.verify(Optional.empty(), HsmAuditHead.readPrivate(hsm, logId));
            assertThat(withHsm.intact()).isFalse();
            assertThat(withHsm.damage()).isEqualTo(Damage.TRUNCATED);
            assertThat(withHsm.firstBadSeq()).isEqualTo(OptionalLong.of(5));
            assertThat(withHsm.message()).contains("ends at entry 4", "HSM keeps the audit head " + signedAt6.text(),
                    "entries 5 to 6 (2 entries) were removed", "with their checkpoints");

            // the next checkpoint (the end of the next run) is refused, and the HSM's head stays
            assertThatThrownBy(() -> log.checkpoint(signer)).isInstanceOf(AuditLogBrokenException.class)
                    .hasMessageContaining("removed from the end");
            assertThat(HsmAuditHead.readPrivate(hsm, logId)).hasValue(signedAt6);

            // without the quorum: the public copy shows it too (status, audit verify)
            hsm.logout();
            try {
                assertThat(HsmAuditHead.readPrivate(hsm, logId)).as("private: seen only logged in").isEmpty();
                assertThat(HsmAuditHead.readVisible(hsm, logId)).hasValue(signedAt6);
                assertThat(log.verify(Optional.empty(), HsmAuditHead.readVisible(hsm, logId)).damage()).isEqualTo(Damage.TRUNCATED);
            } finally {
                login(softHsm);
            }
        }
    }

    @Test
    void theHsmIdentifiedDetailsAreTheOnesTheFormatDocumentNames() throws Exception {
        String doc = java.nio.file.Files.readString(AuditLogDocumentTest.DOC, java.nio.charset.StandardCharsets.UTF_8);
        String row = doc.lines().filter(l -> l.startsWith("| `" + HsmIdentity.ACTION + "` |")).findFirst().orElseThrow();
        java.util.Set<String> named = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([a-z_]+)`").matcher(row.substring(row.indexOf('|', 2)));
        while (m.find()) {
            named.add(m.group(1));
        }
        Map<String, String> d = HsmIdentity.details(hsm);
        assertThat(named).isEqualTo(d.keySet());
        assertThat(d).containsEntry("token_label", SoftHsmStore.HSM).containsKey("token_firmware");
        assertThat(d.get("library")).endsWith("libsofthsm2.so");
    }

    @Test
    void aLogAheadOfTheHsmsHeadIsIntactAndEachLogHasItsOwnHead(@TempDir Path dir) {
        HsmAuditSigner signer = signer();
        try (Store a = Store.open(dir.resolve("a.db")); Store b = Store.open(dir.resolve("b.db"))) {
            AuditLog logA = new AuditLog(a, Clock.systemUTC());
            AuditLog logB = new AuditLog(b, Clock.systemUTC());
            for (int i = 1; i <= 3; i++) {
                logA.append(AuditLogTest.event(i));
            }
            logA.append(new AuditEvent("Ada Lovelace", "test.a", Outcome.DONE, Map.of("log", "a")));
            logB.append(new AuditEvent("Bob", "test.b", Outcome.DONE, Map.of("log", "b")));
            logA.checkpoint(signer);
            logB.checkpoint(signer);   // another log on the same HSM: its own head, no false alarm
            logA.append(AuditLogTest.event(9));
            AuditVerification v = logA.verify(Optional.empty(), HsmAuditHead.readPrivate(hsm, logA.logId().orElseThrow()));
            assertThat(v.intact()).as(v.message()).isTrue();
            assertThat(v.message()).contains("holds the audit head the HSM keeps (entry 5)");
            assertThat(logA.logId()).isNotEqualTo(logB.logId());
            assertThat(HsmAuditHead.readPrivate(hsm, logB.logId().orElseThrow()).orElseThrow().seq()).isEqualTo(2);
        }
    }
}
