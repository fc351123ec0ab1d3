package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.custody.Card;
import org.hsmc.ceremony.custody.CardSet;
import org.hsmc.ceremony.custody.Initialization;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.ceremony.custody.RecoveryCards;
import org.hsmc.ceremony.keys.KeyException;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.MasterKey;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.RestoreMasterKeyScript;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The restore-master-key ceremony (docs/disaster-recovery.md): the old HSM is gone, the store was restored
 * from its backup, and a replacement HSM token waits with its initial user PIN. In order:
 * <ol>
 *   <li>adopt the replacement token (its current user PIN, typed once; it must not hold the LMK already);</li>
 *   <li>a quorum of the LMK's recovery cards, each signing the script's hash, rebuilds the LMK; its KCV must
 *       equal the recorded one (else nothing is created and the run says so); it is created in the new HSM as a
 *       sensitive, never-extractable token object and the clear value is wiped;</li>
 *   <li>the whole inventory under it is proved: every stored ZMK and working key unwraps with its recorded KCV,
 *       with the count and every failing key named;</li>
 *   <li>the normal initialize path, on the same custodians and cards: a fresh HSM credential split over the
 *       admin cards with the same threshold (the old set retired), a new audit signing key, every admin card
 *       checked once, and a new bundle signing key with a new console certificate (nodes learn it through a
 *       fresh trust ceremony; old bundles still verify against the old certificate, which the store keeps).</li>
 * </ol>
 * A failure before the credential is split destroys what the run made in the HSM (its objects carry the
 * run id), so the ceremony can be run again on the same token.
 */
public final class RestoreMasterKeyCeremony {

    private static final String BUNDLE_SIGNER_PREFIX = "bundle-signer/v";

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final Token hsm;
    private final Function<String, Token> cards;
    private final String site;
    private final RunJournal journal;
    private final KeyHierarchy keys;

    public RestoreMasterKeyCeremony(Store store, AuditLog audit, Clock clock, SecureRandom random, Token hsm,
                                    Function<String, Token> cardsByLabel, String site) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.hsm = hsm;
        this.cards = cardsByLabel;
        this.site = site;
        this.journal = new RunJournal(store, audit, clock);
        this.keys = new KeyHierarchy(store, audit, clock);
    }

    public RunRecord run(ParsedScript parsed, byte[] scriptBytes, CeremonyConsole console, boolean rehearsalPins) {
        RestoreMasterKeyScript s = (RestoreMasterKeyScript) parsed.script();
        audit.requireIntact();
        List<String> problems = store.read(c -> Preconditions.check(c, s));
        if (!problems.isEmpty()) {
            audit.append(new AuditEvent(s.operator(), "run.refused", Outcome.REFUSED, Map.of("source", parsed.sourceName(),
                    "script_sha256", CeremonyEngine.hex(parsed.sha256()), "problems", String.join("; ", problems))));
            throw new CeremonyRefusedException(parsed.sourceName(), problems);
        }
        MasterKey lmkRecord = store.read(c -> KeyRecords.masterKey(c, s.version())).orElseThrow();
        CardSet recovery = store.read(c -> RecoveryCards.cardSet(c, KeyRecords.backup(c, s.version()).orElseThrow().cardSetId()))
                .orElseThrow();
        String runId = UUID.randomUUID().toString();
        journal.create(runId, s.type().yamlName(), s.title(), parsed.sourceName(), scriptBytes,
                CeremonyEngine.hex(parsed.sha256()), site, s.operator(), rehearsalPins);
        journal.setState(runId, RunState.STEPS, null);
        JournaledSteps steps = new JournaledSteps(store, journal, runId, console);
        boolean credentialSplit = false;
        char[] current = console.hsmUserPin(hsm.label());
        try {
            Initialization init = steps.step("adopt the replacement HSM token '" + hsm.label() + "'", () -> {
                Initialization in = Initialization.readopt(store, audit, clock, random, hsm, current, s.operator());
                try (Session ses = hsm.openSession()) {
                    if (!ses.findKeysByLabel(lmkRecord.label()).isEmpty()) {
                        hsm.logout();
                        throw new KeyException("The token '" + hsm.label() + "' already holds a key labelled '" + lmkRecord.label()
                                + "'. restore-master-key runs on a replacement HSM that does not hold the LMK; if this is the"
                                + " console's HSM, nothing needs restoring.");
                    }
                }
                return in;
            }, x -> "logged in with the token's current user PIN; it holds no " + lmkRecord.label());

            Optional<String> restored = steps.step("rebuild " + lmkRecord.label() + " from " + recovery.threshold() + " of its "
                    + recovery.shareCount() + " recovery cards and create it in the HSM", () -> rebuild(runId, parsed.sha256(),
                    recovery, s.version(), console), r -> r.map(k -> lmkRecord.label() + " created; its KCV " + k
                    + " equals the recorded KCV").orElse("the recovery quorum was not formed"));
            if (restored.isEmpty()) {
                destroyRunObjects(runId);
                hsm.logout();
                journal.setState(runId, RunState.ABORTED, "the recovery quorum was not formed");
                return journal.find(runId).orElseThrow();
            }

            KeyHierarchy.InventoryProof proof = steps.step("prove every stored key under " + lmkRecord.label(), () -> {
                try (Session ses = hsm.openSession()) {
                    KeyHandle lmk = ses.findKeys(KeyHandle.KeyClass.SECRET, lmkRecord.label()).getFirst();
                    KeyHierarchy.InventoryProof p = keys.proveInventory(ses, lmk, s.version(),
                            done -> console.progress("prove the inventory", done, -1));
                    audit.append(new AuditEvent(AuditLog.CONSOLE, "lmk.inventory_proved", p.complete() ? Outcome.DONE : Outcome.FAILED,
                            p.complete() ? Map.of("label", lmkRecord.label(), "proved", Integer.toString(p.proved()), "run", runId)
                                    : Map.of("label", lmkRecord.label(), "proved", Integer.toString(p.proved()), "failed",
                                    Integer.toString(p.failed().size()), "failed_keys", String.join(",", p.failed().keySet()),
                                    "run", runId)));
                    if (!p.complete()) {
                        throw new KeyException(p.proved() + " stored keys proved under the restored " + lmkRecord.label() + ", "
                                + p.failed().size() + " did not: " + p.failed().entrySet().stream().limit(20)
                                .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining("; "))
                                + (p.failed().size() > 20 ? "; and " + (p.failed().size() - 20) + " more (see the audit log)" : "")
                                + ". The LMK is right (its KCV matched), so these records were damaged in the store: restore"
                                + " an older store backup, or revoke the keys named.");
                    }
                    return p;
                }
            }, p -> p.proved() + " stored keys unwrap under " + lmkRecord.label() + " with their recorded KCVs, none failed");

            CardSet admin = steps.step("split a new HSM credential over the admin cards and make the next audit signing key",
                    () -> init.resplit(current), cs -> cs.threshold() + "-of-" + cs.shareCount()
                            + " admin card set " + cs.id() + "; the token's initial user PIN no longer works");
            credentialSplit = true;
            for (Card card : init.replacedCards()) {
                if (card.revoked()) {
                    continue;
                }
                String holder = init.holder(card).name();
                steps.step("check " + holder + "'s admin card opens its new share", () -> {
                    char[] pin = console.checkPin(holder, card.tokenLabel());
                    try {
                        init.check(cards.apply(card.tokenLabel()), pin);
                    } finally {
                        Arrays.fill(pin, '\0');
                    }
                    return Boolean.TRUE;
                }, ok -> "card " + card.serial() + " opened its share of " + admin.id());
            }
            String signer = nextBundleSigner();
            steps.step("create the bundle signing key " + signer + " and a new console certificate", () ->
                    InitializeCeremony.bundleSigner(store, audit, clock, random, hsm, signer, runId, s.bundleSigner().subject()),
                    cert -> "certificate " + cert.getSubjectX500Principal() + ", serial " + cert.getSerialNumber().toString(16)
                            + ", SHA-256 " + fingerprint(cert) + "; nodes must be given it through a trust ceremony"
                            + " (docs/disaster-recovery.md)");
            audit.append(new AuditEvent(s.operator(), "lmk.restore_done", Outcome.DONE, Map.of("label", lmkRecord.label(),
                    "run", runId, "keys_proved", Integer.toString(proof.proved()), "hsm", hsm.label(),
                    "hsm_serial", hsm.description().serialNumber())));
            init.finish(() -> journal.setState(runId, RunState.COMPLETED, null)); // signed when the run ends
            return journal.find(runId).orElseThrow();
        } catch (RuntimeException e) {
            if (!credentialSplit && hsm.isLoggedIn()) {
                try {
                    destroyRunObjects(runId);
                } finally {
                    hsm.logout();
                }
            } else if (hsm.isLoggedIn()) {
                hsm.logout();
            }
            journal.setState(runId, RunState.FAILED, JournaledSteps.reason(e));
            throw e;
        } finally {
            Arrays.fill(current, '\0');
        }
    }

    /** The recovery quorum, the rebuilt LMK checked and created; empty when the operator stopped the quorum. */
    private Optional<String> rebuild(String runId, byte[] plan, CardSet recovery, int version, CeremonyConsole console) {
        try (QuorumSession q = RecoveryCards.quorum(store, audit, clock, recovery, "restore-master-key", "operator")) {
            if (!CeremonyEngine.gather(store, journal, runId, q, plan, console)) {
                return Optional.empty();
            }
            byte[] clear = q.rebuildSecret();
            try (Session ses = hsm.openSession()) {
                keys.restoreMasterKey(ses, version, clear, runId);
            } finally {
                Arrays.fill(clear, (byte) 0);
            }
            return store.read(c -> KeyRecords.masterKey(c, version)).map(MasterKey::kcv);
        }
    }

    /** Destroys the token objects this run made (their CKA_ID is the run id). */
    private void destroyRunObjects(String runId) {
        byte[] id = runId.getBytes(StandardCharsets.UTF_8);
        try (Session ses = hsm.openSession()) {
            for (KeyHandle.KeyClass kc : KeyHandle.KeyClass.values()) {
                for (KeyHandle h : ses.findKeysById(kc, id)) {
                    ses.destroy(h);
                }
            }
        }
    }

    private static String fingerprint(java.security.cert.X509Certificate cert) {
        try {
            return java.util.HexFormat.of().withUpperCase().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(cert.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The label after every console certificate's key: bundle-signer/v(N+1). */
    private String nextBundleSigner() {
        int highest = store.read(c -> {
            int max = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT key_id FROM console_certificate");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String k = rs.getString(1);
                    if (k.startsWith(BUNDLE_SIGNER_PREFIX)) {
                        try {
                            max = Math.max(max, Integer.parseInt(k.substring(BUNDLE_SIGNER_PREFIX.length())));
                        } catch (NumberFormatException ignored) {
                            // another naming; not ours
                        }
                    }
                }
            }
            return max;
        });
        return BUNDLE_SIGNER_PREFIX + (highest + 1);
    }
}
