package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.custody.CardSetPurpose;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.ceremony.keys.InventoryFilter;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.WorkingKey;
import org.hsmc.ceremony.keys.ZoneKey;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.pkcs11.softhsm.SoftHsm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The console process of {@link CrashRecoveryTest}: a child JVM the test kills with destroyForcibly.
 * Commands: {@code setup HOME CONF MODULE} (initialize 3-of-5, LMK), {@code run HOME CONF MODULE
 * SCRIPT PAUSE} (runs SCRIPT; at PAUSE = "n:STARTED" or "n:DONE" it prints {@code PAUSED} and waits
 * to be killed), {@code resume HOME CONF MODULE} (resumes every interrupted run), {@code inspect HOME
 * CONF MODULE} (prints the state the test checks). Every line it prints that the test reads starts
 * with an upper-case word.
 */
public final class CrashChild {

    static final String HSM = "crash-hsm";

    static String card(int i) {
        return "crash-card-" + i;
    }

    /** Cards the child knows PINs for: 5 for the custodians, the rest spares for replace-card (CustodyCrashTest). */
    static final int CARDS_MAX = 16;

    static String custodianPin(int i) {
        return "custodian-pin-" + i;
    }

    public static void main(String[] args) throws Exception {
        String command = args[0];
        Path home = Path.of(args[1]);
        Path conf = Path.of(args[2]);
        Path module = Path.of(args[3]);
        Clock clock = Clock.systemUTC();
        try (Pkcs11Module m = Pkcs11Module.load(module, SoftHsm.environment(conf));
             Store store = Store.open(home.resolve("console.db"))) {
            AuditLog audit = new AuditLog(store, clock);
            Token hsm = m.token(HSM);
            ScriptedConsole console = new ScriptedConsole(m::token);
            console.hsmPin = "pin-" + HSM;
            for (int i = 1; i <= CARDS_MAX; i++) { // spare cards exist only in the custody crash test's token store
                console.transportPins.put(card(i), "pin-" + card(i));
                console.pins.put(card(i), custodianPin(i));
            }
            console.quorum(card(1), card(2), card(3));
            CeremonyEngine engine = new CeremonyEngine(store, audit, clock, hsm, "crash test").batchSize(100).cards(m::token);
            switch (command) {
                case "setup" -> {
                    byte[] init = ("""
                            ceremony: initialize
                            format: 1
                            title: Crash test console
                            operator: Alice
                            threshold: 3
                            custodians:
                              - {name: Alice, role: SECURITY_OFFICER, card: %s}
                              - {name: Bob, role: KEY_CUSTODIAN, card: %s}
                              - {name: Carol, role: KEY_CUSTODIAN, card: %s}
                              - {name: Dave, role: KEY_CUSTODIAN, card: %s}
                              - {name: Erin, role: KEY_CUSTODIAN, card: %s}
                            bundle_signer:
                              subject: CN=Crash test
                            """).formatted(card(1), card(2), card(3), card(4), card(5)).getBytes();
                    new InitializeCeremony(store, audit, clock, new SecureRandom(), hsm, m::token, "crash test")
                            .run(ScriptParser.parse(init, "init.yaml"), init, console, true);
                    byte[] lmk = """
                            ceremony: generate-master-key
                            format: 1
                            title: LMK
                            operator: Alice
                            version: 1
                            rotate: false
                            """.getBytes();
                    engine.run(ScriptParser.parse(lmk, "lmk.yaml"), lmk, console.quorum(card(1), card(2), card(3)), true);
                    System.out.println("SETUP done");
                }
                case "run" -> {
                    Path script = Path.of(args[4]);
                    String[] pause = args[5].split(":");
                    int pauseStep = Integer.parseInt(pause[0]);
                    StepRecord.State pauseState = StepRecord.State.valueOf(pause[1]);
                    ScriptedConsole pausing = new ScriptedConsole(m::token) {
                        @Override
                        public void step(int number, String name, StepRecord.State state, String result) {
                            super.step(number, name, state, result);
                            System.out.println("STEP " + number + " " + state);
                            if (number == pauseStep && state == pauseState) {
                                System.out.println("PAUSED " + number + " " + state);
                                System.out.flush();
                                try {
                                    Thread.sleep(Long.MAX_VALUE);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        }
                    };
                    pausing.pins.putAll(console.pins);
                    pausing.transportPins.putAll(console.transportPins);
                    pausing.quorum(card(1), card(2), card(3));
                    byte[] bytes = Files.readAllBytes(script);
                    RunRecord r = engine.run(ScriptParser.parse(bytes, script.getFileName().toString()), bytes, pausing, true);
                    System.out.println("RUN " + r.state());
                }
                case "resume" -> {
                    System.out.println("INTEGRITY " + store.integrityCheck());
                    var v = audit.verify(Optional.empty());
                    System.out.println("AUDIT " + (v.intact() ? "intact" : "BROKEN " + v.message()));
                    System.out.println("INTERRUPTED " + engine.journal().interrupted().size());
                    for (RunRecord r : engine.journal().interrupted()) {
                        RunRecord after = engine.resume(r.id(), console.quorum(card(1), card(2), card(3)));
                        System.out.println("RESUMED " + after.id() + " " + after.state());
                    }
                }
                case "abort" -> {
                    System.out.println("INTEGRITY " + store.integrityCheck());
                    for (RunRecord r : engine.journal().interrupted()) {
                        RunRecord after = engine.abort(r.id(), console.quorum(card(1), card(2), card(3)), "crash test abort");
                        System.out.println("ABORTED " + after.id() + " " + after.state());
                    }
                }
                case "inspect" -> inspect(store, audit, clock, hsm, console, args.length > 4 ? args[4] : "");
                default -> throw new IllegalArgumentException(command);
            }
        }
    }

    /** Prints the state; proves the KCVs of the keys whose id starts with {@code prefix}. */
    private static void inspect(Store store, AuditLog audit, Clock clock, Token hsm, ScriptedConsole console, String prefix) {
        System.out.println("INTEGRITY " + store.integrityCheck());
        var v = audit.verify(Optional.empty());
        System.out.println("AUDIT " + (v.intact() ? "intact" : "BROKEN " + v.message()));
        System.out.println("INTERRUPTED " + new RunJournal(store, audit, clock).interrupted().size());
        System.out.println("VOIDED " + store.read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery(
                    "SELECT group_concat(details, ' ') FROM audit_entry WHERE action = 'zmk.components_void'")) {
                return rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
            }
        }));
        System.out.println("CUSTODY " + store.read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT (SELECT COUNT(*) FROM credential_rollover),"
                    + " (SELECT COUNT(*) FROM card_set WHERE purpose = 'ADMIN' AND activated_at IS NOT NULL AND retired_at IS NULL),"
                    + " (SELECT COUNT(*) FROM card_set WHERE activated_at IS NULL AND retired_at IS NULL)")) {
                rs.next();
                return "rollovers=" + rs.getInt(1) + " active_admin_sets=" + rs.getInt(2) + " pending_sets=" + rs.getInt(3);
            }
        }));
        KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
        Set<String> knownLabels = new TreeSet<>(store.read(c -> KeyRecords.masterKeys(c)).stream().map(k -> k.label()).toList());
        knownLabels.add("audit-signer/v1");
        knownLabels.add("bundle-signer/v1");
        try (QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "inspect", "test")) {
            for (int i = 1; i <= 3 && !q.isComplete(); i++) { // M may be 2 after a change-quorum
                q.present(console.cards.apply(card(i)), console.pins.get(card(i)).toCharArray());
            }
            q.openHsm(hsm);
            try (Session s = hsm.openSession()) {
                List<String> orphans = new ArrayList<>();
                for (KeyHandle.KeyClass kc : KeyHandle.KeyClass.values()) {
                    for (KeyHandle h : s.findKeysByLabelPrefix(kc, "")) {
                        String label = s.label(h);
                        if (label == null || !knownLabels.contains(label)) {
                            orphans.add(kc + ":" + label);
                        }
                    }
                }
                System.out.println("ORPHANS " + orphans.size() + " " + orphans);
                var lmk = keys.activeMasterKey(s);
                int proved = 0;
                for (WorkingKey w : keys.inventory(InventoryFilter.ALL)) {
                    if (!w.id().startsWith(prefix)) {
                        continue;
                    }
                    keys.proveKcv(s, lmk.handle(), w.wrapped(), w.lengthBytes(), w.kcv(), w.id());
                    System.out.println("KEY " + w.id() + " " + w.kcv());
                    proved++;
                }
                for (var z : keys.zones()) {
                    for (ZoneKey zk : store.read(c -> KeyRecords.zoneKeys(c, z.id()))) {
                        if (!zk.id().startsWith(prefix)) {
                            continue;
                        }
                        keys.proveKcv(s, lmk.handle(), zk.wrapped(), 32, zk.kcv(), zk.id());
                        System.out.println("ZMK " + zk.id() + " " + zk.kcv());
                        proved++;
                    }
                }
                System.out.println("PROVED " + proved);
            }
        }
    }
}
