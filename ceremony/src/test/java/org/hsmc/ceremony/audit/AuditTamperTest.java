package org.hsmc.ceremony.audit;

import org.hsmc.ceremony.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each kind of damage, made the way an attacker with the store file would (plain JDBC, triggers dropped,
 * hashes recomputed where that hides more), is found, classified and located.
 */
class AuditTamperTest {

    @TempDir
    Path dir;
    Path db;
    Store store;
    AuditLog log;
    final SoftwareSigner signer = new SoftwareSigner("audit-signer/v1");

    @BeforeEach
    void open() {
        db = dir.resolve("console.db");
        store = Store.open(db);
        log = new AuditLog(store, AuditLogTest.CLOCK);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Entries 1..n (no checkpoint). */
    private void entries(int n) {
        for (int i = 1; i <= n; i++) {
            log.append(AuditLogTest.event(i));
        }
    }

    @FunctionalInterface
    interface Attack {
        void on(Attacker a) throws Exception;
    }

    private AuditVerification attackThenVerify(Attack attack, Optional<AuditHead> expected) throws Exception {
        store.close();
        try (Attacker a = new Attacker(db)) {
            attack.on(a);
        }
        store = Store.open(db);
        log = new AuditLog(store, AuditLogTest.CLOCK);
        return log.verify(expected);
    }

    private static void assertDamage(AuditVerification v, Damage damage, long seq, String... words) {
        assertThat(v.intact()).as(v.message()).isFalse();
        assertThat(v.damage()).as(v.message()).isEqualTo(damage);
        assertThat(v.firstBadSeq()).as(v.message()).isEqualTo(OptionalLong.of(seq));
        assertThat(v.message()).contains(words);
    }

    @Test
    void aChangedEntry() throws Exception {
        entries(10);
        AuditVerification v = attackThenVerify(a -> a.sql("UPDATE audit_entry SET details = ? WHERE seq = 4",
                AuditFormat.canonicalDetails(Map.of("step", "4", "note", "nothing to see"))), Optional.empty());
        assertDamage(v, Damage.CHANGED, 4, "Entry 4 was changed", "no longer give the hash", "Entries from 4 on cannot be trusted");
        assertThat(v.entriesChecked()).isEqualTo(10);
    }

    @Test
    void aChangedEntryWhoseHashWasRecomputed() throws Exception {
        entries(10);
        AuditVerification v = attackThenVerify(a -> {
            a.sql("UPDATE audit_entry SET actor = 'Mallory' WHERE seq = 4");
            a.rehash(4);
        }, Optional.empty());
        assertDamage(v, Damage.CHANGED, 4, "Entry 4 was changed", "hash recomputed", "entry 5 records another hash");
    }

    @Test
    void aChangedLink() throws Exception {
        entries(10);
        AuditVerification v = attackThenVerify(a -> a.sql("UPDATE audit_entry SET prev_hash = ? WHERE seq = 7", new byte[32]),
                Optional.empty());
        assertDamage(v, Damage.CHANGED, 7, "Entry 7 was changed", "no longer links to entry 6");
    }

    @Test
    void detailsThatCanNoLongerBeRead() throws Exception {
        entries(5);
        AuditVerification v = attackThenVerify(a -> a.sql("UPDATE audit_entry SET details = '{\"step\":3' WHERE seq = 3"), Optional.empty());
        assertDamage(v, Damage.CHANGED, 3, "can no longer be read");
    }

    @Test
    void aWhitespaceVariantOfTheStoredDetailsIsAChangedEntry() throws Exception {
        entries(5);
        AuditVerification trailing = attackThenVerify(a -> a.sql("UPDATE audit_entry SET details = details || ' ' WHERE seq = 3"),
                Optional.empty());
        assertDamage(trailing, Damage.CHANGED, 3, "Entry 3 was changed", "not written in their canonical form");
        assertThat(trailing.message()).contains("\"step\":\"3\"} '");
    }

    @Test
    void anotherSpellingOfTheSameDetailsIsAChangedEntry() throws Exception {
        entries(5);
        // the same names and values, spaced and in another order: it reads, and re-canonicalises to the hash
        String spaced = "{\"step\": \"2\", \"note\": \"naïve ☃ \\\"quoted\\\"\\n\\ud83d\\ude00\"}";
        assertThat(DetailsJson.parse(spaced)).as("the same details").isEqualTo(new java.util.TreeMap<>(AuditLogTest.event(2).details()));
        AuditVerification v = attackThenVerify(a -> a.sql("UPDATE audit_entry SET details = ? WHERE seq = 2", spaced), Optional.empty());
        assertDamage(v, Damage.CHANGED, 2, "Entry 2 was changed", "not written in their canonical form");
    }

    @Test
    void aDeletedEntry() throws Exception {
        entries(10);
        AuditVerification v = attackThenVerify(a -> a.sql("DELETE FROM audit_entry WHERE seq IN (4, 5)"), Optional.empty());
        assertDamage(v, Damage.DELETED, 4, "Entry 4 is missing", "from entry 3 to entry 6", "2 entries were deleted");
    }

    @Test
    void theFirstEntryDeleted() throws Exception {
        entries(3);
        AuditVerification v = attackThenVerify(a -> a.sql("DELETE FROM audit_entry WHERE seq = 1"), Optional.empty());
        assertDamage(v, Damage.DELETED, 1, "starts at entry 2");
    }

    @Test
    void anInsertedEntry() throws Exception {
        entries(10);
        AuditVerification v = attackThenVerify(a -> {
            // make room after entry 4: entries 5..10 become 6..11, each with its own hash recomputed for its new number
            a.sql("UPDATE audit_entry SET seq = -seq WHERE seq >= 5");
            a.sql("UPDATE audit_entry SET seq = 1 - seq WHERE seq < 0");
            for (long s = 6; s <= 11; s++) {
                a.rehash(s);
            }
            // the forged entry 5 links properly to entry 4
            Map<String, String> d = Map.of("step", "forged");
            String at = "2025-03-01T09:30:00.123Z";
            byte[] prev = a.hash(4);
            a.sql("INSERT INTO audit_entry (seq, at, actor, action, outcome, details, prev_hash, hash) VALUES (5, ?, 'Ada Lovelace', 'lmk.export', 'DONE', ?, ?, ?)",
                    at, AuditFormat.canonicalDetails(d), prev, AuditFormat.entryHash(5, at, "Ada Lovelace", "lmk.export", "DONE", d, prev));
        }, Optional.empty());
        assertDamage(v, Damage.INSERTED, 5, "Entry 5 was inserted", "entry 6 links directly to entry 4");
    }

    @Test
    void anInsertedFirstEntry() throws Exception {
        entries(3);
        AuditVerification v = attackThenVerify(a -> {
            a.sql("UPDATE audit_entry SET seq = -seq");
            a.sql("UPDATE audit_entry SET seq = 1 - seq");
            for (long s = 2; s <= 4; s++) {
                a.rehash(s);
            }
            Map<String, String> d = Map.of();
            a.sql("INSERT INTO audit_entry (seq, at, actor, action, outcome, details, prev_hash, hash) VALUES (1, 'x', 'm', 'a', 'DONE', '{}', ?, ?)",
                    AuditFormat.genesisHash(), AuditFormat.entryHash(1, "x", "m", "a", "DONE", d, AuditFormat.genesisHash()));
        }, Optional.empty());
        assertDamage(v, Damage.INSERTED, 1, "Entry 1 was inserted", "links directly to the start of the log");
    }

    @Test
    void reorderedEntries() throws Exception {
        entries(10);
        AuditVerification v = attackThenVerify(a -> {
            // entries 4 and 6 swap places: every column but seq moves
            a.sql("UPDATE audit_entry SET seq = 100 WHERE seq = 4");
            a.sql("UPDATE audit_entry SET seq = 4 WHERE seq = 6");
            a.sql("UPDATE audit_entry SET seq = 6 WHERE seq = 100");
        }, Optional.empty());
        assertDamage(v, Damage.REORDERED, 4, "Entry 4 is out of order", "links to entry 5, which comes after it");
    }

    @Test
    void truncationIsShownByACheckpointBeyondTheEnd() throws Exception {
        entries(9);
        log.checkpoint(signer); // signer registered as entry 10, checkpoint at 10
        AuditVerification v = attackThenVerify(a -> a.sql("DELETE FROM audit_entry WHERE seq >= 8"), Optional.empty());
        assertDamage(v, Damage.TRUNCATED, 8, "ends at entry 7", "covers entry 10", "removed from the end");
    }

    @Test
    void truncationAfterTheLastCheckpointShowsOnlyWithTheExpectedHead() throws Exception {
        entries(7);
        log.checkpoint(signer); // entry 8 registers the signer; checkpoint at 8
        log.append(AuditLogTest.event(9));
        log.append(AuditLogTest.event(10));
        AuditHead printed = log.head();
        AuditVerification without = attackThenVerify(a -> a.sql("DELETE FROM audit_entry WHERE seq >= 9"), Optional.empty());
        assertThat(without.intact()).as("nothing signed shows the cut").isTrue();
        assertThat(without.message()).contains("Entries removed from the end after the last checkpoint would not show", "expected head");
        AuditVerification with = log.verify(Optional.of(printed));
        assertDamage(with, Damage.TRUNCATED, 9, "ends at entry 8", "expected head names entry 10");
    }

    @Test
    void anExpectedHeadWithAnotherHashIsAChange() throws Exception {
        entries(6);
        AuditHead printed = new AuditHead(4, log.entries(4, 4).getFirst().hash());
        AuditVerification v = attackThenVerify(a -> {
            a.sql("UPDATE audit_entry SET action = 'nothing' WHERE seq = 2");
            a.rechainFrom(2);
        }, Optional.of(printed));
        assertDamage(v, Damage.CHANGED, 4, "Entry 4 is not the one the expected head names");
    }

    @Test
    void aRewrittenChainBreaksTheCheckpointsAfterTheChange() throws Exception {
        entries(5);
        log.checkpoint(signer); // entry 6; checkpoint at 6
        for (int i = 7; i <= 12; i++) {
            log.append(AuditLogTest.event(i));
        }
        log.checkpoint(signer); // checkpoint at 12
        AuditVerification v = attackThenVerify(a -> {
            a.sql("UPDATE audit_entry SET outcome = 'DONE', actor = 'Mallory' WHERE seq = 9");
            a.rechainFrom(9);
        }, Optional.empty());
        assertDamage(v, Damage.BAD_CHECKPOINT, 12, "no longer matches entry 12", "rewritten at or before entry 12",
                "after entry 6");
        assertThat(v.checkpointsVerified()).isEqualTo(1);
    }

    @Test
    void aForgedCheckpointSignature() throws Exception {
        entries(5);
        Checkpoint cp = log.checkpoint(signer);
        byte[] sig = cp.signature();
        sig[10] ^= 1;
        AuditVerification v = attackThenVerify(a -> a.sql("UPDATE audit_checkpoint SET signature = ?", sig), Optional.empty());
        assertDamage(v, Damage.BAD_CHECKPOINT, 6, "signature of the checkpoint at entry 6", "does not verify");
    }

    @Test
    void aCheckpointByAKeyTheLogDoesNotList() throws Exception {
        entries(5);
        log.checkpoint(signer);
        SoftwareSigner mallory = new SoftwareSigner("mallory");
        AuditVerification v = attackThenVerify(a -> {
            byte[] head = a.hash(3);
            String at = "2025-03-02T00:00:00.000Z";
            a.sql("INSERT INTO audit_checkpoint (seq, head_hash, at, key_id, signature) VALUES (3, ?, ?, 'mallory', ?)", head, at,
                    mallory.sign(AuditFormat.checkpointStatement(3, head, at, "mallory")));
        }, Optional.empty());
        assertDamage(v, Damage.UNKNOWN_SIGNER, 3, "names the signing key 'mallory', which the log does not list");
    }

    @Test
    void aWholeRewriteSignedWithAnotherKeyShowsOnlyAgainstThePinnedKey() throws Exception {
        entries(5);
        log.checkpoint(signer);
        SoftwareSigner mallory = new SoftwareSigner("audit-signer/v1");
        attackThenVerify(a -> {
            a.sql("UPDATE audit_entry SET actor = 'Mallory' WHERE seq = 2");
            a.rechainFrom(2);
            a.sql("UPDATE audit_signer SET public_key = ?", mallory.publicKeyInfo());
            byte[] head = a.hash(6);
            String at = "2025-03-02T00:00:00.000Z";
            a.sql("UPDATE audit_checkpoint SET head_hash = ?, at = ?, signature = ?", head, at,
                    mallory.sign(AuditFormat.checkpointStatement(6, head, at, "audit-signer/v1")));
        }, Optional.empty());
        assertThat(log.verify(Optional.empty()).intact()).as("the store alone cannot tell").isTrue();
        Path file = dir.resolve("audit.jsonl");
        log.export(file);
        AuditVerification v = AuditVerifier.verifyExport(file, Optional.empty(), Optional.of(signer.publicKey()));
        assertDamage(v, Damage.UNKNOWN_SIGNER, 6, "not by the public key you trust");
    }

    @Test
    void thePinnedKeyRequiresACheckpoint() throws Exception {
        entries(3);
        Path file = dir.resolve("audit.jsonl");
        log.export(file);
        AuditVerification v = AuditVerifier.verifyExport(file, Optional.empty(), Optional.of(signer.publicKey()));
        assertThat(v.damage()).isEqualTo(Damage.UNKNOWN_SIGNER);
        assertThat(v.firstBadSeq()).isEmpty();
        assertThat(v.message()).contains("No checkpoint in this log is signed with the public key you trust");
    }

    @Test
    void lowestDamageWinsWhenThereAreSeveral() throws Exception {
        entries(10);
        AuditVerification v = attackThenVerify(a -> {
            a.sql("DELETE FROM audit_entry WHERE seq = 8");
            a.sql("UPDATE audit_entry SET actor = 'x' WHERE seq = 3");
        }, Optional.empty());
        assertDamage(v, Damage.CHANGED, 3, "Entry 3");
    }

    // ---------------------------------------------------------------- damage to an export file

    private Path exported(int n) {
        entries(n);
        log.checkpoint(signer);
        Path file = dir.resolve("audit-" + System.nanoTime() + ".jsonl");
        log.export(file);
        return file;
    }

    private static AuditVerification verifyFile(Path file, List<String> lines) throws Exception {
        Files.write(file, lines);
        return AuditVerifier.verifyExport(file, Optional.empty(), Optional.empty());
    }

    /** Export lines: header, 1 signer, 1 checkpoint, then entry k on line index 2 + k. */
    private static int line(long seq) {
        return 2 + (int) seq;
    }

    @Test
    void linesSwappedInAnExport() throws Exception {
        Path file = exported(8);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        Collections.swap(lines, line(3), line(5));
        assertDamage(verifyFile(file, lines), Damage.REORDERED, 3, "Entry 3 is out of order", "comes after entry 5");
    }

    @Test
    void aLineRemovedFromAnExport() throws Exception {
        Path file = exported(8);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(line(4));
        assertDamage(verifyFile(file, lines), Damage.DELETED, 4, "Entry 4 is missing");
    }

    @Test
    void aLineDuplicatedInAnExport() throws Exception {
        Path file = exported(8);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.add(line(4), lines.get(line(4)));
        assertDamage(verifyFile(file, lines), Damage.INSERTED, 4, "Entry 4 appears twice");
    }

    @Test
    void aLineEditedInAnExport() throws Exception {
        Path file = exported(8);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(line(2), lines.get(line(2)).replace("\"REFUSED\"", "\"DONE\"").replace("\"step\":\"2\"", "\"step\":\"two\""));
        assertDamage(verifyFile(file, lines), Damage.CHANGED, 2, "Entry 2 was changed");
    }

    @Test
    void theTailCutFromAnExport() throws Exception {
        Path file = exported(8);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        AuditHead printed = log.head();
        List<String> cut = lines.subList(0, lines.size() - 2);
        Files.write(file, cut);
        AuditVerification v = AuditVerifier.verifyExport(file, Optional.empty(), Optional.of(signer.publicKey()));
        assertDamage(v, Damage.TRUNCATED, 8, "ends at entry 7", "covers entry 9");
        assertThat(AuditVerifier.verifyExport(file, Optional.of(printed), Optional.empty()).damage()).isEqualTo(Damage.TRUNCATED);
    }
}
