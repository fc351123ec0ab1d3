package org.hsmc.app.cli;

import org.hsmc.app.support.Cli.Result;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.run.RunJournal;
import org.hsmc.ceremony.run.RunRecord;
import org.hsmc.ceremony.run.RunState;
import org.hsmc.ceremony.store.Store;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.hsmc.app.support.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hsmc report ceremony|audit|inventory|verify}, in-process, on a console store with one journaled
 * run (no HSM is needed to print or check a report): the files are made, never replaced, in either
 * language, and a report checks out until its companion is changed.
 */
class ReportCommandTest {

    @TempDir
    Path home;
    private String runId;

    @BeforeEach
    void aConsoleWithOneRun() throws Exception {
        byte[] script = Files.readAllBytes(Path.of("..", "examples", "ceremonies", "02-generate-master-key.yaml"));
        try (Store store = Store.open(ConsoleHome.store(home))) {
            Clock clock = Clock.systemUTC();
            RunJournal journal = new RunJournal(store, new AuditLog(store, clock), clock);
            RunRecord r = journal.create("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "generate-master-key", "Generate the local master key",
                    "02-generate-master-key.yaml", script, "5228b07be9861e0b553c9b2ce851573b24965b2503a0d35bb2c7aa3593a02ae5",
                    "test site", "Alice", false);
            journal.started(r.id(), 1, "create lmk/v1 in the HSM");
            journal.failed(r.id(), 1, "the HSM was not reachable");
            journal.setState(r.id(), RunState.FAILED, "the HSM was not reachable");
            runId = r.id();
        }
    }

    @Test
    void aCeremonyReportAndItsCompanionAreWrittenOnceAndCheckOut() throws Exception {
        Path pdf = home.resolve("out").resolve("run.pdf");
        Result r = run("report", "ceremony", runId.substring(0, 8), "--out", pdf.toString(), "--home", home.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Facts SHA-256: ", "PDF SHA-256: ").contains(runId).contains("run.json");
        assertThat(pdf).isRegularFile();
        assertThat(home.resolve("out").resolve("run.json")).isRegularFile();

        Result again = run("report", "ceremony", runId, "--out", pdf.toString(), "--home", home.toString(), "--lang", "zh");
        assertThat(again.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(again.err()).contains("exists already");

        Result verify = run("report", "verify", pdf.toString(), "--home", home.toString());
        assertThat(verify.exit()).as(verify.out()).isZero();
        assertThat(verify.out()).contains("Result:       VERIFIED").contains("records:      OK").contains("audit log:    OK");

        Path json = home.resolve("out").resolve("run.json");
        Files.writeString(json, Files.readString(json).replace("the HSM was not reachable", "nothing happened"));
        Result tampered = run("report", "verify", pdf.toString(), "--home", home.toString());
        assertThat(tampered.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(tampered.out()).contains("facts:        FAILED").contains("run.json").contains("NOT VERIFIED");
    }

    @Test
    void auditExtractsAndTheInventoryInChinese() {
        Path extract = home.resolve("extract.pdf");
        Result a = run("report", "audit", "--from", "1", "--to", "3", "--out", extract.toString(), "--lang", "zh", "--home", home.toString());
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(extract).isRegularFile();
        Result byDay = run("report", "audit", "--from", "2020-01-01", "--out", home.resolve("days.pdf").toString(), "--home", home.toString());
        assertThat(byDay.exit()).as(byDay.err()).isZero();
        Result mixed = run("report", "audit", "--from", "1", "--to", "2026-01-01", "--out", home.resolve("x.pdf").toString(),
                "--home", home.toString());
        assertThat(mixed.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(mixed.err()).contains("both be entry numbers or both be dates");
        Path inventory = home.resolve("inventory.pdf");
        Result i = run("report", "inventory", "--out", inventory.toString(), "--lang", "zh", "--home", home.toString());
        assertThat(i.exit()).as(i.err()).isZero();
        assertThat(run("report", "verify", inventory.toString(), "--home", home.toString()).exit()).isZero();
        assertThat(run("report", "verify", extract.toString(), "--home", home.toString()).exit()).isZero();
    }

    @Test
    void refusalsSayWhatIsWrong() {
        Result unknown = run("report", "ceremony", "ffffffff", "--out", home.resolve("a.pdf").toString(), "--home", home.toString());
        assertThat(unknown.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(unknown.err()).contains("There is no ceremony run 'ffffffff'");
        Result lang = run("report", "inventory", "--out", home.resolve("b.pdf").toString(), "--lang", "fr", "--home", home.toString());
        assertThat(lang.exit()).isEqualTo(Hsmc.EXIT_USAGE);
        Result noStore = run("report", "inventory", "--out", home.resolve("c.pdf").toString(), "--home", home.resolve("nothing").toString());
        assertThat(noStore.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(noStore.err()).contains("There is no console store");
    }
}
