package org.hsmc.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The anti-rollback state file: written atomically, read back, and never taken as empty when damaged. */
class NodeStateTest {

    private static final SoftwareConsole CONSOLE = new SoftwareConsole("CN=Key console, O=State", 5);

    private static VerifiedBundle bundle(String zone, long sequence, String previous) {
        return new BundleVerifier(CONSOLE.trust(), BundleVerifierTest.NOW)
                .verify(CONSOLE.sign(SoftwareConsole.manifest(zone, sequence, previous, 1)));
    }

    @Test
    void aMissingFileIsANodeThatImportedNothingAndWhatIsRecordedIsReadBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state");
        NodeState s = NodeState.load(file);
        assertThat(s.last("sh-01")).isEmpty();
        VerifiedBundle b = bundle("sh-01", 4, "ab".repeat(32));
        Instant at = Instant.parse("2026-11-23T11:00:00Z");
        s.record(b, at);
        s.record(bundle("bj-01", 1, null), at);
        NodeState again = NodeState.load(file);
        assertThat(again.last("sh-01")).contains(new NodeState.Entry("sh-01", 4, b.sha256(), at));
        assertThat(again.last("bj-01")).isPresent();
        assertThat(Files.readString(file)).startsWith("# hsmc node anti-rollback state")
                .contains("zone sh-01 sequence 4 sha256 " + b.sha256() + " imported 2026-11-23T11:00:00Z\n");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no temporary file left beside it
        }
    }

    @Test
    void aDamagedFileIsRefusedNotTakenAsEmpty(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state");
        NodeState.load(file).record(bundle("sh-01", 2, "ab".repeat(32)), Instant.now());
        Files.writeString(file, Files.readString(file).replace("sequence 2", "sequence two"));
        BundleRefusedException e = catchThrowableOfType(BundleRefusedException.class, () -> NodeState.load(file));
        assertThat(e.kind()).isEqualTo(Refusal.STATE_UNUSABLE);
        assertThat(e.getMessage()).contains("line 2").contains("never taken as empty");
        Files.writeString(file, "zone sh-01 sequence 1 sha256 " + "a".repeat(64) + " imported 2026-11-23T11:00:00Z\n"
                + "zone sh-01 sequence 2 sha256 " + "b".repeat(64) + " imported 2026-11-23T11:00:00Z\n");
        assertThat(catchThrowableOfType(BundleRefusedException.class, () -> NodeState.load(file)).kind())
                .isEqualTo(Refusal.STATE_UNUSABLE);
    }
}
