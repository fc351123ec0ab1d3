package org.hsmc.reports;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.keys.RunKeys;
import org.hsmc.ceremony.run.RunJournal;
import org.hsmc.ceremony.run.RunState;
import org.hsmc.ceremony.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hsmc.reports.Pdfs.assertShows;

/**
 * Keys withdrawn with their aborted run (issue 13): the run's ceremony report lists them as withdrawn, the
 * inventory shows their status and condition in words, in English and Chinese. A real SQLite store at the
 * current schema; the keys' rows are written as an aborted generate-working-keys run leaves them.
 */
class WithdrawnKeysReportTest {

    @TempDir
    Path dir;

    @Test
    void theReportAndTheInventoryShowKeysWithdrawnWithTheirRun() throws Exception {
        try (Store store = Store.open(dir.resolve("console.db"))) {
            Clock clock = Clock.systemUTC();
            AuditLog audit = new AuditLog(store, clock);
            RunJournal journal = new RunJournal(store, audit, clock);
            byte[] script = Files.readAllBytes(Path.of("..", "examples", "ceremonies", "04-generate-working-keys.yaml"));
            String run = "5b0c2a56-0000-4000-8000-000000000004";
            journal.create(run, "generate-working-keys", "Working keys", "04-generate-working-keys.yaml", script,
                    "00".repeat(32), "test site", "Alice", true);
            store.write(c -> {
                try (var st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO master_key VALUES (1, 'lmk/v1', 'AAAAAAAAAA', 'ACTIVE', '2026-12-01T00:00:00Z', NULL, 'r0')");
                    st.executeUpdate("INSERT INTO zone (id, name, status, created_at, run_id) VALUES ('sh-01', 'Shanghai', 'ACTIVE',"
                            + " '2026-12-01T00:00:00Z', 'r0')");
                    st.executeUpdate("INSERT INTO working_key (id, zone_id, purpose, algorithm, version, valid_from, valid_until, status,"
                            + " wrapped, lmk_version, kcv, created_at, run_id) VALUES ('wk/sh-01/dek/v1', 'sh-01', 'DEK', 'AES-256', 1,"
                            + " '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z', 'ACTIVE', x'00', 1, '1234567890', '2026-12-01T00:00:00Z', '"
                            + run + "')");
                }
                return null;
            });
            journal.setState(run, RunState.FAILED, "the cable was pulled");
            store.write(c -> {
                RunKeys.Withdrawn w = RunKeys.withdraw(c, audit, run, clock.instant());
                assertThat(w.workingKeys()).containsExactly("wk/sh-01/dek/v1");
                return null;
            });
            journal.setState(run, RunState.ABORTED, "aborted");
            audit.append(new AuditEvent("Alice", "test.after", Outcome.DONE, Map.of()));

            ReportData data = new ReportData(store);
            List<CeremonyReportData.KeyChange> changes = data.ceremony(run).keys();
            assertThat(changes).anySatisfy(k -> {
                assertThat(k.id()).isEqualTo("wk/sh-01/dek/v1");
                assertThat(k.change()).isEqualTo("WITHDRAWN");
                assertThat(k.kcv()).isEqualTo("1234567890");
            });
            InventoryData inv = data.inventory(Instant.parse("2027-06-01T00:00:00Z"), 30);
            InventoryData.WorkingKeyRow row = inv.zones().getFirst().workingKeys().getFirst();
            assertThat(row.status()).isEqualTo("WITHDRAWN");
            assertThat(row.condition()).isEqualTo("WITHDRAWN");
            assertThat(inv.due()).isEmpty();
            for (ReportLanguage lang : ReportLanguage.values()) {
                Texts t = new Texts(lang);
                String text = Pdfs.text(InventoryReport.render(inv, lang, TestConsole.PRINTED_AT).pdf());
                assertShows(text, "wk/sh-01/dek/v1", t.get("status.withdrawn"), t.get("condition.withdrawn"));
                assertThat(text).doesNotContain("WITHDRAWN");
            }
        }
    }
}
