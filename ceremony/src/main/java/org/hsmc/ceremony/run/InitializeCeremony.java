package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.bundle.ConsoleCertificate;
import org.hsmc.ceremony.custody.Card;
import org.hsmc.ceremony.custody.CardSet;
import org.hsmc.ceremony.custody.Custodian;
import org.hsmc.ceremony.custody.Initialization;
import org.hsmc.ceremony.custody.Role;
import org.hsmc.ceremony.script.CustodianSpec;
import org.hsmc.ceremony.script.InitializeScript;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyPairTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The initialize ceremony from its script: adopt the HSM token (its current user PIN, typed once),
 * name the custodians and enrol their cards (each sets their own PIN), create the audit and bundle
 * signing keys and the self-signed console certificate, split a fresh credential M-of-N over the
 * cards and set it as the HSM user PIN, then check every card once. Journaled step by step like every
 * run; it has no quorum (there are no shares yet), the HSM's current PIN takes its place.
 */
public final class InitializeCeremony {

    /** Label of the first bundle signing key pair. */
    public static final String BUNDLE_SIGNER = "bundle-signer/v1";

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final Token hsm;
    private final Function<String, Token> cards;
    private final String site;
    private final RunJournal journal;

    public InitializeCeremony(Store store, AuditLog audit, Clock clock, SecureRandom random, Token hsm,
                              Function<String, Token> cardsByLabel, String site) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.hsm = hsm;
        this.cards = cardsByLabel;
        this.site = site;
        this.journal = new RunJournal(store, audit, clock);
    }

    public RunRecord run(ParsedScript parsed, byte[] scriptBytes, CeremonyConsole console, boolean rehearsalPins) {
        InitializeScript s = (InitializeScript) parsed.script();
        List<String> problems = store.read(c -> Preconditions.check(c, s));
        if (!problems.isEmpty()) {
            audit.append(new AuditEvent(s.operator(), "run.refused", Outcome.REFUSED, Map.of("source", parsed.sourceName(),
                    "problems", String.join("; ", problems))));
            throw new CeremonyRefusedException(parsed.sourceName(), problems);
        }
        String runId = UUID.randomUUID().toString();
        journal.create(runId, s.type().yamlName(), s.title(), parsed.sourceName(), scriptBytes,
                CeremonyEngine.hex(parsed.sha256()), site, s.operator(), rehearsalPins);
        journal.setState(runId, RunState.STEPS, null);
        JournaledSteps steps = new JournaledSteps(store, journal, runId, console);
        Initialization init = null;
        try {
            char[] current = console.hsmUserPin(hsm.label());
            Initialization started;
            try {
                started = steps.step("adopt HSM token '" + hsm.label() + "'",
                        () -> Initialization.begin(store, audit, clock, random, hsm, current, s.operator()),
                        x -> "logged in with the token's current user PIN");
                init = started;
                List<Card> holders = new ArrayList<>();
                for (CustodianSpec spec : s.custodians()) {
                    Initialization in = init;
                    Card card = steps.step("enrol " + spec.name() + " (" + spec.role() + ") with card '" + spec.card() + "'",
                            () -> {
                                Custodian p = in.addCustodian(spec.name(), spec.role());
                                CeremonyConsole.EnrolmentPins pins = console.enrolmentPins(spec.name(), spec.card());
                                try {
                                    return in.enrol(p, cards.apply(spec.card()), pins.transportPin(), pins.newPin());
                                } finally {
                                    Arrays.fill(pins.transportPin(), '\0');
                                    Arrays.fill(pins.newPin(), '\0');
                                }
                            }, c -> "card serial " + c.serial());
                    if (spec.role() != Role.AUDITOR) {
                        holders.add(card);
                    }
                }
                Initialization in = init;
                steps.step("create the bundle signing key and the console certificate",
                        () -> bundleSigner(store, audit, clock, random, hsm, BUNDLE_SIGNER, runId, s.bundleSigner().subject()), cert -> "certificate " + cert.getSubjectX500Principal()
                                + ", valid until " + cert.getNotAfter().toInstant());
                CardSet set = steps.step("split the HSM credential " + s.threshold() + "-of-" + holders.size()
                        + " over the cards", () -> in.split(s.threshold(), holders, current),
                        cs -> "card set " + cs.id() + ", the HSM's old user PIN no longer works");
                for (CustodianSpec spec : s.custodians()) {
                    if (spec.role() == Role.AUDITOR) {
                        continue;
                    }
                    steps.step("check " + spec.name() + "'s card opens its share", () -> {
                        char[] pin = console.checkPin(spec.name(), spec.card());
                        try {
                            in.check(cards.apply(spec.card()), pin);
                        } finally {
                            Arrays.fill(pin, '\0');
                        }
                        return Boolean.TRUE;
                    }, ok -> "share opened");
                }
                in.finish(() -> journal.setState(runId, RunState.COMPLETED, null)); // signed when the run ends
                return journal.find(runId).orElseThrow();
            } finally {
                Arrays.fill(current, '\0');
            }
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (init != null && hsm.isLoggedIn()) {
                hsm.logout();
            }
            journal.setState(runId, RunState.FAILED, why);
            throw e;
        }
    }

    /** The names of the steps a run of {@code s} on the HSM token {@code hsmLabel} will take, in order (the printed script). */
    public static List<String> plannedSteps(InitializeScript s, String hsmLabel) {
        List<String> out = new ArrayList<>();
        out.add("adopt HSM token '" + hsmLabel + "'");
        int holders = 0;
        for (CustodianSpec spec : s.custodians()) {
            out.add("enrol " + spec.name() + " (" + spec.role() + ") with card '" + spec.card() + "'");
            holders += spec.role() == Role.AUDITOR ? 0 : 1;
        }
        out.add("create the bundle signing key and the console certificate");
        out.add("split the HSM credential " + s.threshold() + "-of-" + holders + " over the cards");
        for (CustodianSpec spec : s.custodians()) {
            if (spec.role() != Role.AUDITOR) {
                out.add("check " + spec.name() + "'s card opens its share");
            }
        }
        return out;
    }

    /** SHA-256 over the certificate's DER, lower-case hex: the value a node compares before pinning it. */
    public static String certificateSha256(X509Certificate cert) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes the bundle signing key pair {@code label} (EC P-384, in the HSM, never extractable) and the
     * self-signed console certificate, and records the certificate: initialize makes v1, adopting a
     * replacement HSM the next version (the store keeps every earlier certificate, so old bundles still verify).
     */
    static X509Certificate bundleSigner(Store store, AuditLog audit, Clock clock, SecureRandom random, Token hsm, String label,
                                        String runId, String subject) {
        try (Session s = hsm.openSession()) {
            if (!s.findKeysByLabel(label).isEmpty()) {
                throw new IllegalStateException("The HSM already holds a key labelled '" + label + "'; the console refuses"
                        + " to make a second one.");
            }
            KeyPairHandles kp = s.generateEcKeyPair(EcCurve.P384, KeyPairTemplate.of(label,
                    runId.getBytes(java.nio.charset.StandardCharsets.UTF_8), true, false, KeyUsage.SIGN));
            var a = s.attributes(kp.privateKey());
            if (!a.sensitive() || a.extractable() || a.curve() != EcCurve.P384) {
                s.destroy(kp.privateKey());
                s.destroy(kp.publicKey());
                throw new IllegalStateException("The HSM did not make the bundle signing key that was asked for (" + a + ").");
            }
            X509Certificate cert = ConsoleCertificate.create(s, kp, subject, clock.instant(), Duration.ofDays(3650),
                    new BigInteger(64, random).add(BigInteger.ONE));
            store.write(c -> {
                try (var ps = c.prepareStatement("INSERT INTO console_certificate (key_id, der, subject, not_before, not_after,"
                        + " created_at, run_id) VALUES (?,?,?,?,?,?,?)")) {
                    ps.setString(1, label);
                    ps.setBytes(2, cert.getEncoded());
                    ps.setString(3, cert.getSubjectX500Principal().getName());
                    ps.setString(4, cert.getNotBefore().toInstant().toString());
                    ps.setString(5, cert.getNotAfter().toInstant().toString());
                    ps.setString(6, clock.instant().toString());
                    ps.setString(7, runId);
                    ps.executeUpdate();
                } catch (CertificateEncodingException e) {
                    throw new IllegalStateException(e);
                }
                audit.append(c, new AuditEvent(AuditLog.CONSOLE, "console_certificate.created", Outcome.DONE, Map.of(
                        "key", label, "subject", cert.getSubjectX500Principal().getName(),
                        "serial", cert.getSerialNumber().toString(16), "not_after", cert.getNotAfter().toInstant().toString(),
                        "certificate_sha256", certificateSha256(cert))));
                return null;
            });
            return cert;
        }
    }
}
