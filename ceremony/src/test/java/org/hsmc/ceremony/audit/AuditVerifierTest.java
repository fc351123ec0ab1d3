package org.hsmc.ceremony.audit;

import org.junit.jupiter.api.Test;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The verifier on its own: entries in memory, no store, no HSM. */
class AuditVerifierTest {

    private static List<AuditEntry> chain(int n) {
        List<AuditEntry> out = new ArrayList<>();
        byte[] prev = AuditFormat.genesisHash();
        for (int i = 1; i <= n; i++) {
            Map<String, String> d = Map.of("i", Integer.toString(i));
            String at = "2025-03-01T09:30:00.000Z";
            byte[] h = AuditFormat.entryHash(i, at, "ada", "step", "DONE", d, prev);
            out.add(new AuditEntry(i, at, "ada", "step", "DONE", AuditFormat.canonicalDetails(d), prev, h));
            prev = h;
        }
        return out;
    }

    private static Checkpoint sign(SoftwareSigner s, AuditEntry e) {
        String at = "2025-03-01T10:00:00.000Z";
        return new Checkpoint(e.seq(), e.hash(), at, s.keyId(), s.sign(AuditFormat.checkpointStatement(e.seq(), e.hash(), at, s.keyId())));
    }

    @Test
    void anIntactChainWithACheckpoint() {
        SoftwareSigner s = new SoftwareSigner("k1");
        List<AuditEntry> entries = chain(50);
        Map<String, PublicKey> signers = Map.of("k1", s.publicKey());
        AuditVerification v = new AuditVerifier(signers, Optional.of(s.publicKey()))
                .verify(entries.iterator(), List.of(sign(s, entries.get(39))), Optional.of(entries.get(49).head()));
        assertThat(v.intact()).as(v.message()).isTrue();
        assertThat(v.entriesChecked()).isEqualTo(50);
        assertThat(v.lastCheckpointSeq()).hasValue(40);
        assertThat(v.message()).contains("The last 10 entries are covered by no signed checkpoint", "holds the expected head");
        assertThat(v.toJson()).contains("\"intact\":true", "\"damage\":\"NONE\"", "\"first_bad_seq\":null", "\"last_checkpoint_seq\":40");
    }

    @Test
    void aRotatedKeyNeedsBothSignersListed() {
        SoftwareSigner v1 = new SoftwareSigner("audit-signer/v1");
        SoftwareSigner v2 = new SoftwareSigner("audit-signer/v2");
        List<AuditEntry> entries = chain(20);
        List<Checkpoint> cps = List.of(sign(v1, entries.get(9)), sign(v2, entries.get(19)));
        assertThat(new AuditVerifier(Map.of("audit-signer/v1", v1.publicKey(), "audit-signer/v2", v2.publicKey()), Optional.empty())
                .verify(entries.iterator(), cps, Optional.empty()).intact()).isTrue();
        AuditVerification v = new AuditVerifier(Map.of("audit-signer/v1", v1.publicKey()), Optional.empty())
                .verify(entries.iterator(), cps, Optional.empty());
        assertThat(v.damage()).isEqualTo(Damage.UNKNOWN_SIGNER);
        assertThat(v.firstBadSeq()).hasValue(20);
        assertThat(v.toJson()).contains("\"intact\":false", "\"first_bad_seq\":20");
    }

    @Test
    void anEntryMovedFarBackIsReordered() {
        List<AuditEntry> entries = chain(30);
        AuditEntry moved = entries.remove(24);
        entries.add(5, moved);
        AuditVerification v = new AuditVerifier(Map.of(), Optional.empty()).verify(entries.iterator(), List.of(), Optional.empty());
        assertThat(v.damage()).as(v.message()).isEqualTo(Damage.REORDERED);
        assertThat(v.firstBadSeq()).hasValue(6);
        assertThat(v.message()).contains("Entry 6 is out of order: it comes after entry 25");
    }

    @Test
    void aDamagedHashLengthStillGivesAVerdict() {
        List<AuditEntry> entries = chain(3);
        AuditEntry last = entries.remove(2);
        entries.add(new AuditEntry(3, last.at(), last.actor(), last.action(), last.outcome(), last.detailsJson(), last.prevHash(), new byte[5]));
        AuditVerification v = new AuditVerifier(Map.of(), Optional.empty()).verify(entries.iterator(), List.of(), Optional.empty());
        assertThat(v.damage()).isEqualTo(Damage.CHANGED);
        assertThat(v.firstBadSeq()).hasValue(3);
        assertThat(v.head()).isEmpty();
    }
}
