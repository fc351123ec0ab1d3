package org.hsmc.reports;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.run.CeremonyEngine;
import org.hsmc.ceremony.run.InitializeCeremony;
import org.hsmc.ceremony.run.RunRecord;
import org.hsmc.ceremony.run.RunState;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Token;
import org.hsmc.testsupport.SoftHsmStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A console with every ceremony run, made once per test JVM on the SoftHSM2 fixture (tokens
 * {@code hsm} and {@code card-01} … {@code card-05}) from the example scripts, with a few real
 * complications for the reports to show:
 * <ul>
 *   <li>02: a card is first presented with a wrong PIN (a quorum refusal);</li>
 *   <li>03: the zone has a Chinese name and a witness a Chinese name (English reports must print them);</li>
 *   <li>07: component 1 is typed wrong three times, so the step and the run fail; the run is then
 *       resumed with a new quorum and completes (two attempts of one step, two quorums);</li>
 *   <li>08: bundles for both zones, written into the home's {@code bundles/}.</li>
 * </ul>
 */
final class DemoHome {

    static final Path EXAMPLES = Path.of("..", "examples", "ceremonies");
    static final String ZONE_NAME_ZH = "上海在线节点";
    static final String WITNESS_ZH = "王芳";

    private static DemoHome shared;

    final Store store;
    final AuditLog audit;
    final TestConsole console;
    /** Run ids by script file name (01-initialize.yaml …). */
    final Map<String, String> runs = new LinkedHashMap<>();
    final Path dir;

    private DemoHome(Path dir, Store store, AuditLog audit, TestConsole console) {
        this.dir = dir;
        this.store = store;
        this.audit = audit;
        this.console = console;
    }

    /** The demo console of this JVM, made on first use. */
    static synchronized DemoHome get() {
        if (shared == null) {
            try {
                shared = make();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    String run(String file) {
        return runs.get(file);
    }

    private static DemoHome make() throws IOException {
        SoftHsmStore tokens = SoftHsmStore.shared();
        Pkcs11Module module = Pkcs11Module.load(tokens.module(), tokens.environment());
        Path dir = Files.createTempDirectory("reports-demo-home");
        Store store = Store.open(dir.resolve("console.db"));
        Clock clock = Clock.systemUTC();
        AuditLog audit = new AuditLog(store, clock);
        Token hsm = module.token(SoftHsmStore.HSM);
        // scripts name demo cards; the store records the real token labels (the recovery check pass uses those)
        TestConsole console = new TestConsole(label -> module.token(label.startsWith("demo-card-")
                ? SoftHsmStore.cardLabel(Integer.parseInt(label.substring("demo-card-".length()))) : label));
        console.hsmPin = new String(tokens.userPin(SoftHsmStore.HSM));
        String[] names = {"alice", "bob", "carol", "dave", "erin"};
        for (int i = 1; i <= 5; i++) {
            String label = "demo-card-" + i;
            console.transportPins.put(label, new String(tokens.userPin(SoftHsmStore.cardLabel(i))));
            console.pins.put(label, names[i - 1] + "-" + String.valueOf(i).repeat(4));
            console.pins.put(SoftHsmStore.cardLabel(i), names[i - 1] + "-" + String.valueOf(i).repeat(4));
        }
        DemoHome home = new DemoHome(dir, store, audit, console);
        CeremonyEngine engine = new CeremonyEngine(store, audit, clock, hsm, "test site").cards(console::cardByLabel);

        byte[] init = example("01-initialize.yaml");
        RunRecord r = new InitializeCeremony(store, audit, clock, new SecureRandom(), hsm, console::cardByLabel, "test site")
                .run(ScriptParser.parse(init, "01-initialize.yaml"), init, console, false);
        home.runs.put("01-initialize.yaml", require(r, RunState.COMPLETED));

        console.quorum("demo-card-1", "demo-card-2", "demo-card-3").wrongPinFirst("demo-card-2");
        home.runs.put("02-generate-master-key.yaml", require(run(engine, console, "02-generate-master-key.yaml",
                example("02-generate-master-key.yaml")), RunState.COMPLETED));

        String zmk = new String(example("03-generate-zone-master-key.yaml"), StandardCharsets.UTF_8)
                .replace("name: Shanghai online nodes", "name: " + ZONE_NAME_ZH + " (Shanghai online nodes)")
                .replace("witnesses: [Judy Auditor]", "witnesses: [Judy Auditor, " + WITNESS_ZH + "]");
        console.quorum("demo-card-1", "demo-card-2", "demo-card-3");
        home.runs.put("03-generate-zone-master-key.yaml", require(run(engine, console, "03-generate-zone-master-key.yaml",
                zmk.getBytes(StandardCharsets.UTF_8)), RunState.COMPLETED));

        for (String f : List.of("04-generate-working-keys.yaml", "05-rotate.yaml", "06-revoke.yaml")) {
            console.quorum("demo-card-1", "demo-card-2", "demo-card-3");
            home.runs.put(f, require(run(engine, console, f, example(f)), RunState.COMPLETED));
        }

        console.typed.put("zmk/bj-01/v1", new ArrayDeque<>(List.of("33".repeat(32), "33".repeat(32), "33".repeat(32))));
        console.quorum("demo-card-1", "demo-card-2", "demo-card-3");
        String importRun;
        try {
            run(engine, console, "07-import-zone-master-key.yaml", example("07-import-zone-master-key.yaml"));
            throw new IllegalStateException("the import with wrong components should have failed");
        } catch (RuntimeException expected) {
            importRun = engine.journal().interrupted().isEmpty()
                    ? engine.journal().recent(1).getFirst().id() : engine.journal().interrupted().getFirst().id();
        }
        require(engine.journal().find(importRun).orElseThrow(), RunState.FAILED);
        console.typed.put("zmk/bj-01/v1", new ArrayDeque<>(List.of("11".repeat(32), "22".repeat(32), "44".repeat(32))));
        console.quorum("demo-card-1", "demo-card-4", "demo-card-5");
        home.runs.put("07-import-zone-master-key.yaml", require(engine.resume(importRun, console), RunState.COMPLETED));

        // bundles for both zones, written into this home's bundles/ (the script's output_directory, from its folder)
        engine.scriptDirectory(dir);
        console.quorum("demo-card-1", "demo-card-2", "demo-card-3");
        home.runs.put("08-export-bundle.yaml", require(run(engine, console, "08-export-bundle.yaml", example("08-export-bundle.yaml")),
                RunState.COMPLETED));
        custody(home, engine, console, tokens);
        return home;
    }

    /**
     * The custody ceremonies 10 to 14 (issue 16), with the scripts' card labels written as this token store's:
     * demo-card-N is card-0N, the spare card card-06 and the new card card-07.
     */
    private static void custody(DemoHome home, CeremonyEngine engine, TestConsole console, SoftHsmStore tokens) throws IOException {
        console.soPin = new String(tokens.soPin());
        for (int i = 6; i <= 7; i++) {
            console.transportPins.put(SoftHsmStore.cardLabel(i), new String(tokens.userPin(SoftHsmStore.cardLabel(i))));
        }
        console.pins.put(SoftHsmStore.cardLabel(6), "erin-5555");
        console.pins.put(SoftHsmStore.cardLabel(7), "frank-6666");
        for (String f : List.of("10-replace-card.yaml", "11-enrol-card.yaml", "12-unblock-card.yaml", "13-revoke-card.yaml",
                "14-change-quorum.yaml")) {
            String text = new String(example(f), StandardCharsets.UTF_8).replace("demo-card-spare", SoftHsmStore.cardLabel(6))
                    .replace("demo-card-new", SoftHsmStore.cardLabel(7));
            for (int i = 1; i <= 5; i++) {
                text = text.replace("demo-card-" + i, SoftHsmStore.cardLabel(i));
            }
            console.quorum("demo-card-1", "demo-card-2", "demo-card-3");
            home.runs.put(f, require(run(engine, console, f, text.getBytes(StandardCharsets.UTF_8)), RunState.COMPLETED));
        }
    }

    private static RunRecord run(CeremonyEngine engine, TestConsole console, String name, byte[] bytes) {
        return engine.run(ScriptParser.parse(bytes, name), bytes, console, false);
    }

    private static String require(RunRecord r, RunState state) {
        if (r.state() != state) {
            throw new IllegalStateException("run " + r.id() + " of " + r.source() + " is " + r.state() + ", not " + state + ": " + r.failure());
        }
        return r.id();
    }

    static byte[] example(String file) throws IOException {
        return Files.readAllBytes(EXAMPLES.resolve(file));
    }
}
