package org.hsmc.app.cli;

import org.hsmc.app.support.Cli;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Checkpoint;
import org.hsmc.ceremony.store.Store;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outside check of issue 17: the tail of the audit log removed together with its checkpoint rows.
 * The log alone still verifies; {@code hsmc audit verify} and {@code hsmc status}, with the HSM present,
 * compare it with the head the HSM keeps and say TRUNCATED, naming the missing entries.
 */
@RequiresSoftHsm
class HsmHeadCliTest {

    @TempDir
    Path tmp;

    @Test
    void aTailCutWithItsCheckpointsIsTruncatedWhenTheHsmIsPresent() throws Exception {
        Path home = tmp.resolve("demo");
        Path examples = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
        assertThat(Cli.run("demo", "--home", home.toString()).exit()).isZero();
        Cli.Result init = Cli.run("ceremony", "run", examples.resolve("01-initialize.yaml").toString(), "--home", home.toString(),
                "--rehearsal-pins", home.resolve("rehearsal-pins.properties").toString());
        assertThat(init.exit()).as(init.out() + init.err()).isZero();

        try (Store store = Store.open(ConsoleHome.store(home))) {
            AuditLog log = new AuditLog(store, Clock.systemUTC());
            assertThat(log.verify(java.util.Optional.empty()).lastCheckpointSeq()).as("initialize signs its last entry")
                    .hasValue(log.head().seq());
        }
        Cli.Result lmk = Cli.run("ceremony", "run", examples.resolve("02-generate-master-key.yaml").toString(), "--home", home.toString(),
                "--rehearsal-pins", home.resolve("rehearsal-pins.properties").toString());
        assertThat(lmk.exit()).as(lmk.out() + lmk.err()).isZero();

        Cli.Result before = Cli.run("audit", "verify", "--home", home.toString());
        assertThat(before.exit()).as(before.out()).isZero();
        long last;
        try (Store store = Store.open(ConsoleHome.store(home))) {
            AuditLog log = new AuditLog(store, Clock.systemUTC());
            assertThat(log.verify(java.util.Optional.empty()).lastCheckpointSeq()).as("a run signs its last entry when it ends")
                    .hasValue(log.head().seq());
            List<Checkpoint> cps = log.checkpoints();
            last = cps.getLast().seq();
            assertThat(before.out()).contains("HSM's head:  " + last + ":", "the log was compared with it");
        }
        long cut = last - 2;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ConsoleHome.store(home)); Statement st = c.createStatement()) {
            for (String t : List.of("audit_entry_no_delete", "audit_checkpoint_no_delete")) {
                st.execute("DROP TRIGGER IF EXISTS " + t);
            }
            st.execute("DELETE FROM audit_entry WHERE seq >= " + cut);
            st.execute("DELETE FROM audit_checkpoint WHERE seq >= " + cut);
        }
        try (Store store = Store.open(ConsoleHome.store(home))) {
            assertThat(new AuditLog(store, Clock.systemUTC()).verify(java.util.Optional.empty()).intact())
                    .as("the log alone cannot show the cut").isTrue();
        }

        Cli.Result after = Cli.run("audit", "verify", "--home", home.toString());
        assertThat(after.exit()).as(after.out()).isEqualTo(1);
        assertThat(after.out()).contains("NOT INTACT: TRUNCATED at entry " + cut, "ends at entry " + (cut - 1),
                "entries " + cut + " to " + last + " (3 entries) were removed");
        Cli.Result status = Cli.run("status", "--home", home.toString());
        assertThat(status.out()).contains("Audit log:   BROKEN", "were removed from the end of the log");
    }
}
