package org.hsmc.app.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.hsmc.app.support.Cli;
import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.ceremony.run.CeremonyConsole;
import org.hsmc.ceremony.run.CeremonyEngine;
import org.hsmc.ceremony.run.RunRecord;
import org.hsmc.ceremony.run.RunState;
import org.hsmc.ceremony.run.StepRecord;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No PIN in the heap: the custodians' PINs, chosen here at random and kept off the Java heap (a direct
 * buffer) except where the console is handed them, are found in no heap dump taken in this JVM (live
 * objects and garbage alike), in UTF-8/Latin-1 (compact strings, byte arrays) or UTF-16 (char arrays,
 * strings), after a ceremony whose PINs come from a rehearsal PIN file (initialize: each custodian sets
 * their PIN) and after one whose PINs are typed (generate-master-key: the quorum and the recovery cards).
 */
@RequiresSoftHsm
class NoPinInHeapTest {

    private static final int PIN_LENGTH = 12;
    private static final int CARDS = 5;
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

    @TempDir
    Path tmp;

    /** The five custodians' PINs, off the heap: PIN i at [i * 12, i * 12 + 12). */
    private final ByteBuffer pins = ByteBuffer.allocateDirect(PIN_LENGTH * CARDS);

    private char[] pin(String cardLabel) {
        int i = Integer.parseInt(cardLabel.substring(cardLabel.lastIndexOf('-') + 1)) - 1;
        char[] c = new char[PIN_LENGTH];
        for (int k = 0; k < PIN_LENGTH; k++) {
            c[k] = (char) pins.get(i * PIN_LENGTH + k);
        }
        return c;
    }

    @Test
    void noPinIsInTheHeapAfterACeremonyWithAPinFileNorAfterOneWithTypedPins() throws Exception {
        SecureRandom random = new SecureRandom();
        for (int k = 0; k < PIN_LENGTH * CARDS; k++) {
            pins.put(k, (byte) ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        Path home = tmp.resolve("demo");
        Path examples = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
        assertThat(Cli.run("demo", "--home", home.toString()).exit()).isZero();
        Path pinFile = writePinFile(home);

        Cli.Result init = Cli.run("ceremony", "run", examples.resolve("01-initialize.yaml").toString(), "--home", home.toString(),
                "--rehearsal-pins", pinFile.toString());
        assertThat(init.exit()).as(init.out() + init.err()).isZero();
        assertNoPinIn(dump("after-pin-file"));

        try (ConsoleContext ctx = ConsoleContext.open(home)) {
            Path script = examples.resolve("02-generate-master-key.yaml");
            byte[] bytes = CeremonyCommand.read(script);
            ParsedScript parsed = CeremonyCommand.parse(script, bytes);
            RunRecord r = new CeremonyEngine(ctx.store, ctx.audit, ctx.clock, ctx.hsm(), ctx.profile.site()).cards(ctx::card)
                    .lmkBackupPolicy(ctx.profile.lmkBackup()).scriptDirectory(examples)
                    .run(parsed, bytes, new TypedPins(ctx), false);
            assertThat(r.state()).as(String.valueOf(r.failure())).isEqualTo(RunState.COMPLETED);
        }
        assertNoPinIn(dump("after-typed-pins"));
    }

    /** The demo's rehearsal file with each custodian's PIN replaced by ours, written from the direct buffer. */
    private Path writePinFile(Path home) throws Exception {
        Path file = tmp.resolve("pins.properties");
        List<String> lines = Files.readAllLines(home.resolve(DemoCommand.REHEARSAL_PINS), StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (String line : lines) {
                int card = -1;
                for (int i = 1; i <= CARDS; i++) {
                    if (line.startsWith("card.demo-card-" + i + ".pin=")) {
                        card = i;
                    }
                }
                if (card < 0) {
                    ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                } else {
                    ch.write(ByteBuffer.wrap(("card.demo-card-" + card + ".pin=").getBytes(StandardCharsets.US_ASCII)));
                    ch.write(pins.duplicate().position((card - 1) * PIN_LENGTH).limit(card * PIN_LENGTH));
                    ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
                }
            }
        }
        return file;
    }

    private Path dump(String name) throws Exception {
        Path file = tmp.resolve(name + ".hprof");
        HotSpotDiagnosticMXBean bean = ManagementFactory.newPlatformMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                "com.sun.management:type=HotSpotDiagnostic", HotSpotDiagnosticMXBean.class);
        bean.dumpHeap(file.toString(), false); // every object, garbage too
        return file;
    }

    /** Searches the dump (mapped, off the heap) for each PIN in ASCII, UTF-16BE and UTF-16LE. */
    private void assertNoPinIn(Path hprof) throws Exception {
        List<byte[]> patterns = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < CARDS; i++) {
            byte[] ascii = new byte[PIN_LENGTH];
            byte[] be = new byte[2 * PIN_LENGTH];
            byte[] le = new byte[2 * PIN_LENGTH];
            for (int k = 0; k < PIN_LENGTH; k++) {
                byte b = pins.get(i * PIN_LENGTH + k);
                ascii[k] = b;
                be[2 * k + 1] = b;
                le[2 * k] = b;
            }
            patterns.addAll(List.of(ascii, be, le));
            names.addAll(List.of("card " + (i + 1) + " PIN in UTF-8/Latin-1", "card " + (i + 1) + " PIN in UTF-16BE",
                    "card " + (i + 1) + " PIN in UTF-16LE"));
        }
        List<String> found = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(hprof, StandardOpenOption.READ)) {
            long size = ch.size();
            long chunk = 1L << 30;
            for (long base = 0; base < size; base += chunk) {
                long len = Math.min(size - base, chunk + 64);
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, base, len);
                int limit = (int) Math.min(len, chunk);
                for (int p = 0; p < patterns.size(); p++) {
                    if (!found.contains(names.get(p)) && contains(m, limit, patterns.get(p))) {
                        found.add(names.get(p));
                    }
                }
            }
            assertThat(size).as("a real heap dump").isGreaterThan(1 << 20);
        } finally {
            Files.deleteIfExists(hprof);
        }
        for (byte[] p : patterns) {
            java.util.Arrays.fill(p, (byte) 0);
        }
        assertThat(found).as("PINs found in the heap dump " + hprof.getFileName()).isEmpty();
    }

    private static boolean contains(MappedByteBuffer m, int starts, byte[] needle) {
        int end = Math.min(starts, m.limit() - needle.length + 1);
        byte first = needle[0];
        outer:
        for (int i = 0; i < end; i++) {
            if (m.get(i) != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (m.get(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** PINs "typed" by each holder: a new char[] per prompt, as the terminal's password prompt gives. */
    private final class TypedPins implements CeremonyConsole {
        private final TerminalConsole forms;
        private int next = 1;

        TypedPins(ConsoleContext ctx) {
            this.forms = new TerminalConsole(ctx, new PrintWriter(new StringWriter()), null);
        }

        @Override
        public Optional<CardAndPin> nextCard(QuorumSession quorum) {
            if (next > 3) {
                return Optional.empty();
            }
            String label = "demo-card-" + next++;
            return Optional.of(new CardAndPin(forms.card(label), pin(label)));
        }

        @Override
        public void refused(QuorumRefusal refusal) {
            throw new AssertionError("refused: " + refusal.getMessage());
        }

        @Override
        public void approved(QuorumSession.Approval approval, int have, int need) {
        }

        @Override
        public void step(int number, String name, StepRecord.State state, String result) {
        }

        @Override
        public void progress(String step, long done, long total) {
        }

        @Override
        public void deliverComponent(ComponentDelivery delivery) {
            forms.deliverComponent(delivery);
        }

        @Override
        public char[] typeComponent(ComponentRequest request) {
            throw new AssertionError("no component is typed in this ceremony");
        }

        @Override
        public char[] hsmUserPin(String tokenLabel) {
            throw new AssertionError("the HSM PIN is asked for only at initialisation");
        }

        @Override
        public EnrolmentPins enrolmentPins(String custodian, String cardLabel) {
            throw new AssertionError("no enrolment in this ceremony");
        }

        @Override
        public char[] checkPin(String custodian, String cardLabel) {
            return pin(cardLabel);
        }
    }
}
