package org.hsmc.ceremony.audit;

import org.hsmc.ceremony.store.Store;
import org.hsmc.ceremony.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit log in a real store, signed with a software P-384 key. */
class AuditLogTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T09:30:00.123456Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    Store store;
    AuditLog log;

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("console.db"));
        log = new AuditLog(store, CLOCK);
    }

    @AfterEach
    void close() {
        store.close();
    }

    static AuditEvent event(int i) {
        return new AuditEvent("Ada Lovelace", "test.step", i % 3 == 0 ? Outcome.REFUSED : Outcome.DONE,
                Map.of("step", Integer.toString(i), "note", "naïve ☃ \"quoted\"\n😀"));
    }

    @Test
    void appendedEntriesChainAndVerify() {
        assertThat(log.head()).isEqualTo(AuditHead.empty());
        assertThat(log.verify(Optional.empty())).satisfies(v -> {
            assertThat(v.intact()).isTrue();
            assertThat(v.entriesChecked()).isZero();
            assertThat(v.message()).contains("empty");
        });
        AuditEntry first = log.append(event(1));
        assertThat(first.seq()).isEqualTo(1);
        assertThat(first.prevHash()).isEqualTo(new byte[32]);
        assertThat(first.at()).isEqualTo("2025-03-01T09:30:00.123Z");
        assertThat(first.details()).containsEntry("step", "1").containsEntry("note", "naïve ☃ \"quoted\"\n😀");
        assertThat(first.outcomeValue()).isEqualTo(Outcome.DONE);
        AuditEntry second = store.write(c -> log.append(c, event(2)));
        assertThat(second.prevHash()).isEqualTo(first.hash());
        assertThat(second.hash()).isEqualTo(AuditFormat.entryHash(2, second.at(), "Ada Lovelace", "test.step", "DONE",
                Map.of("step", "2", "note", "naïve ☃ \"quoted\"\n😀"), first.hash()));
        for (int i = 3; i <= 20; i++) {
            log.append(event(i));
        }
        AuditHead head = log.head();
        assertThat(head.seq()).isEqualTo(20);
        assertThat(AuditHead.parse(head.text())).isEqualTo(head);
        assertThat(log.entries(19, 20)).extracting(AuditEntry::seq).containsExactly(19L, 20L);
        assertThat(log.entries(19, 20).get(1).head()).isEqualTo(head);

        AuditVerification v = log.verify(Optional.of(head));
        assertThat(v.intact()).as(v.message()).isTrue();
        assertThat(v.damage()).isEqualTo(Damage.NONE);
        assertThat(v.entriesChecked()).isEqualTo(20);
        assertThat(v.firstBadSeq()).isEmpty();
        assertThat(v.head()).contains(head);
        assertThat(v.message()).contains("intact", "20 entries", head.text(), "expected head");
        log.requireIntact();
    }

    @Test
    void checkpointsAreSignedVerifiedAndStored() {
        SoftwareSigner signer = new SoftwareSigner("audit-signer/v1");
        for (int i = 1; i <= 5; i++) {
            log.append(event(i));
        }
        Checkpoint cp = log.checkpoint(signer);
        // the signer was registered on the way, with an entry of its own
        assertThat(cp.seq()).isEqualTo(6);
        assertThat(log.entries(6, 6).getFirst().action()).isEqualTo("audit.signer_registered");
        assertThat(log.entries(6, 6).getFirst().details()).containsEntry("key_id", "audit-signer/v1")
                .containsEntry("public_key_sha256", SignerKeys.fingerprint(signer.publicKey()));
        assertThat(cp.headHash()).isEqualTo(log.head().hash());
        assertThat(SignerKeys.verify(signer.publicKey(), cp.statement(), cp.signature())).isTrue();
        assertThat(log.checkpoints()).containsExactly(cp);
        assertThat(log.signers()).containsOnlyKeys("audit-signer/v1");

        // the same head may be signed twice (a login without new entries)
        log.checkpoint(signer);
        log.append(event(7));
        AuditVerification v = log.verify(Optional.empty());
        assertThat(v.intact()).as(v.message()).isTrue();
        assertThat(v.checkpointsVerified()).isEqualTo(2);
        assertThat(v.lastCheckpointSeq()).hasValue(6);
        assertThat(v.message()).contains("2 signed checkpoints verify", "the last at entry 6", "The last entry is covered by no signed checkpoint");
    }

    @Test
    void registeringASignerIsIdempotentAndNeverReplacesAKey() {
        SoftwareSigner signer = new SoftwareSigner("audit-signer/v1");
        log.registerSigner(signer);
        log.registerSigner(signer);
        assertThat(log.head().seq()).as("one registration entry").isEqualTo(1);
        assertThatThrownBy(() -> log.registerSigner(new SoftwareSigner("audit-signer/v1")))
                .isInstanceOf(AuditLogException.class).hasMessageContaining("registered with another public key")
                .hasMessageContaining("audit-signer/v2");
        assertThat(log.signers().get("audit-signer/v1").getEncoded()).isEqualTo(signer.publicKeyInfo());
    }

    @Test
    void aSignerWhosePublicKeyIsNotItsOwnIsRefused() {
        SoftwareSigner real = new SoftwareSigner("audit-signer/v1");
        SoftwareSigner other = new SoftwareSigner("x");
        AuditSigner liar = new AuditSigner() {
            public String keyId() {
                return "audit-signer/v1";
            }

            public byte[] publicKeyInfo() {
                return other.publicKeyInfo();
            }

            public byte[] sign(byte[] data) {
                return real.sign(data);
            }
        };
        assertThatThrownBy(() -> log.registerSigner(liar)).isInstanceOf(AuditLogException.class)
                .hasMessageContaining("does not verify");
        assertThat(log.signers()).isEmpty();
    }

    @Test
    void theFirstCheckpointOfAFreshLogCoversTheSignersRegistration() {
        Checkpoint cp = log.checkpoint(new SoftwareSigner("audit-signer/v1"));
        assertThat(cp.seq()).isEqualTo(1);
        assertThat(log.entries(1, 1).getFirst().action()).isEqualTo("audit.signer_registered");
    }

    @Test
    void appendsThatBelongToAFailedTransactionLeaveNothing() {
        log.append(event(1));
        AuditHead before = log.head();
        assertThatThrownBy(() -> store.write(c -> {
            log.append(c, event(2));
            log.append(c, event(3));
            throw new IllegalStateException("the HSM refused the step");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(log.head()).isEqualTo(before);
        assertThat(log.append(event(4)).seq()).isEqualTo(2);
        assertThat(log.verify(Optional.empty()).intact()).isTrue();
    }

    @Test
    void theTriggersRefuseUpdateAndDelete() {
        SoftwareSigner signer = new SoftwareSigner("audit-signer/v1");
        log.append(event(1));
        log.checkpoint(signer);
        for (String sql : List.of("UPDATE audit_entry SET actor = 'mallory' WHERE seq = 1", "DELETE FROM audit_entry WHERE seq = 2",
                "UPDATE audit_checkpoint SET seq = 1", "DELETE FROM audit_checkpoint",
                "UPDATE audit_signer SET key_id = 'x'", "DELETE FROM audit_signer")) {
            assertThatThrownBy(() -> store.write(c -> {
                try (PreparedStatement st = c.prepareStatement(sql)) {
                    return st.executeUpdate();
                }
            })).as(sql).isInstanceOf(StoreException.class).hasMessageMatching("(?s).*(append-only|never replaced|never removed).*");
        }
        assertThat(log.verify(Optional.empty()).intact()).isTrue();
    }

    @Test
    void detailsThatLookLikeSecretsAreRefused() {
        for (String name : List.of("pin", "user_pin", "newPin", "share", "lmk_component", "key_value", "hsm_credential", "password")) {
            assertThatThrownBy(() -> new AuditEvent("ada", "x", Outcome.DONE, Map.of(name, "1234")))
                    .as(name).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret");
        }
        new AuditEvent("ada", "x", Outcome.DONE, Map.of("share_index", "3", "pin_tries_left", "2", "shares", "5", "kcv", "A1B2C3"));
        assertThatThrownBy(() -> new AuditEvent(" ", "x", Outcome.DONE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requireIntactNamesTheFirstBadEntry() throws Exception {
        for (int i = 1; i <= 4; i++) {
            log.append(event(i));
        }
        store.close();
        try (Attacker a = new Attacker(dir.resolve("console.db"))) {
            a.sql("UPDATE audit_entry SET outcome = 'DONE' WHERE seq = 3");
        }
        store = Store.open(dir.resolve("console.db"));
        log = new AuditLog(store, CLOCK);
        assertThatThrownBy(log::requireIntact).isInstanceOfSatisfying(AuditLogBrokenException.class, e -> {
            assertThat(e.getMessage()).contains("refuses key operations", "Entry 3 was changed");
            assertThat(e.verification().damage()).isEqualTo(Damage.CHANGED);
            assertThat(e.verification().firstBadSeq()).isEqualTo(OptionalLong.of(3));
        });
        // a checkpoint never vouches for damage
        assertThatThrownBy(() -> log.checkpoint(new SoftwareSigner("audit-signer/v1"))).isInstanceOf(AuditLogBrokenException.class);
    }

    @Test
    void anExportVerifiesOnAnotherMachineWithThePublicKeyAlone() throws Exception {
        SoftwareSigner signer = new SoftwareSigner("audit-signer/v1");
        for (int i = 1; i <= 30; i++) {
            log.append(event(i));
            if (i % 10 == 0) {
                log.checkpoint(signer);
            }
        }
        AuditHead head = log.head();
        Path file = dir.resolve("export").resolve("audit.jsonl");
        Files.createDirectories(file.getParent());
        AuditExportSummary summary = log.export(file);
        assertThat(summary.entries()).isEqualTo(31);
        assertThat(summary.checkpoints()).isEqualTo(3);
        assertThat(summary.signers()).isEqualTo(1);
        assertThat(summary.head()).contains(head);
        store.close();

        // "another machine": nothing but the file and the public key (PEM, as printed in the ceremony record)
        Path elsewhere = Files.createDirectory(dir.resolve("auditor"));
        Path copy = Files.copy(file, elsewhere.resolve("audit.jsonl"));
        Files.delete(dir.resolve("console.db"));
        var trusted = SignerKeys.fromPem(SignerKeys.toPem(signer.publicKey()));
        AuditVerification v = AuditVerifier.verifyExport(copy, Optional.of(head), Optional.of(trusted));
        assertThat(v.intact()).as(v.message()).isTrue();
        assertThat(v.entriesChecked()).isEqualTo(31);
        assertThat(v.checkpointsVerified()).isEqualTo(3);
        assertThat(v.message()).contains("with the public key you trust");

        // another key than the trusted one: the signatures prove nothing
        AuditVerification wrongKey = AuditVerifier.verifyExport(copy, Optional.empty(), Optional.of(new SoftwareSigner("x").publicKey()));
        assertThat(wrongKey.damage()).isEqualTo(Damage.UNKNOWN_SIGNER);
        assertThat(wrongKey.firstBadSeq()).hasValue(11);

        List<String> lines = Files.readAllLines(copy);
        assertThat(lines.getFirst()).contains("\"format\":\"hsmc-audit-export\"", "\"version\":1");
        assertThat(lines).hasSize(1 + 1 + 3 + 31);
    }

    @Test
    void anExportNeverOverwrites() throws Exception {
        log.append(event(1));
        Path file = dir.resolve("audit.jsonl");
        Files.writeString(file, "keep me");
        assertThatThrownBy(() -> log.export(file)).isInstanceOf(AuditLogException.class).hasMessageContaining("already exists");
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void aFileThatIsNoExportIsRefusedWithTheLine() throws Exception {
        Path file = dir.resolve("notes.jsonl");
        Files.writeString(file, "{\"hello\":1}\n");
        assertThatThrownBy(() -> AuditVerifier.verifyExport(file, Optional.empty(), Optional.empty()))
                .isInstanceOf(AuditExportFormatException.class).hasMessageContaining("not an audit export");
        log.append(event(1));
        Path good = dir.resolve("good.jsonl");
        log.export(good);
        List<String> lines = Files.readAllLines(good);
        Files.write(good, List.of(lines.get(0), "{not json"));
        assertThatThrownBy(() -> AuditVerifier.verifyExport(good, Optional.empty(), Optional.empty()))
                .isInstanceOf(AuditExportFormatException.class).hasMessageContaining("Line 2");
    }

    @Test
    void headsParseAndRefuseNonsense() {
        AuditHead h = new AuditHead(42, new byte[32]);
        assertThat(AuditHead.parse(" " + h.text() + " ")).isEqualTo(h);
        for (String bad : List.of("", "42", "42:abc", "-1:" + "0".repeat(64), "x:" + "0".repeat(64), "42:" + "g".repeat(64))) {
            assertThatThrownBy(() -> AuditHead.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not an audit head");
        }
    }
}
