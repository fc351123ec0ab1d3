package org.hsmc.ceremony.i18n;

import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.Role;
import org.hsmc.ceremony.run.PinPrompt;
import org.hsmc.ceremony.run.PinRefusal;
import org.hsmc.ceremony.run.RunState;
import org.hsmc.ceremony.run.StepRecord;
import org.hsmc.ceremony.script.CeremonyType;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The domain's words for people, in English and Simplified Chinese: roles, run and step states, ceremony
 * types, quorum refusal kinds, PIN prompts and refusals, key statuses, and the names of steps. The command
 * line, the window and the reports all say these things the same way; no enum name and no PKCS#11 code is
 * ever the sentence (a code goes to {@link #details}). Bundle {@code org/hsmc/ceremony/i18n/words}.
 */
public final class Words {

    private static final String BUNDLE = "org.hsmc.ceremony.i18n.words";

    /** Step names as the journal keeps them (English), each with the key that says it in any language. */
    private static final List<StepPattern> STEPS = List.of(
            step("adopt HSM token '(.+)'", "step.adopt_hsm"),
            step("enrol (.+) \\((security officer|key custodian|auditor)\\) with card '(.+)'", "step.enrol"),
            step("create the bundle signing key and the console certificate", "step.bundle_signer"),
            step("split the HSM credential (\\d+)-of-(\\d+) over the cards", "step.split"),
            step("check (.+)'s card opens its share", "step.check_card"),
            step("create (\\S+) in the HSM \\(NO BACKUP\\)", "step.create_lmk_no_backup"),
            step("create (\\S+) in the HSM, split (\\d+)-of-(\\d+) onto the recovery cards of (.+)", "step.create_lmk_recovery"),
            step("create (\\S+) in the HSM \\(backed up by the vendor's procedure: (.+)\\)", "step.create_lmk_vendor"),
            step("check (.+)'s recovery card opens its share of (\\S+)", "step.check_recovery"),
            step("re-wrap the inventory under (\\S+)", "step.rewrap"),
            step("register zone (\\S+)", "step.register_zone"),
            step("make (\\S+) from (\\d+) components and hand them over", "step.make_zmk"),
            step("register the transport key of zone (\\S+)", "step.register_transport_key"),
            step("type and check (\\d+) components of (\\S+), register zone (\\S+) and store the key", "step.import_zmk"),
            step("generate working keys (\\d+)–(\\d+) of (\\d+) for zone (\\S+)", "step.working_keys"),
            step("rotate keys due within (\\d+) days", "step.rotate"),
            step("revoke zone (\\S+)", "step.revoke_zone"),
            step("revoke (\\d+) key\\(s\\)", "step.revoke_keys"),
            step("bundle for zone (\\S+) \\((\\d+) of (\\d+)\\)", "step.bundle"),
            step("adopt the replacement HSM token '(.+)'", "step.adopt_replacement"),
            step("rebuild (\\S+) from (\\d+) of its (\\d+) recovery cards and create it in the HSM", "step.rebuild_lmk"),
            step("prove every stored key under (\\S+)", "step.prove"),
            step("split a new HSM credential over the admin cards and make the next audit signing key", "step.resplit"),
            step("check (.+)'s admin card opens its new share", "step.check_admin_card"),
            step("create the bundle signing key (\\S+) and a new console certificate", "step.new_bundle_signer"),
            // custody ceremonies
            step("enrol the card (\\S+) for (.+)", "step.enrol_card"),
            step("re-share the HSM credential so that (\\S+) holds a share, and rotate it", "step.reshare_with"),
            step("revoke the card (\\S+)", "step.revoke_card"),
            step("re-share the HSM credential over the other cards, and rotate it", "step.reshare_others"),
            step("enrol the new card (\\S+)", "step.enrol_new_card"),
            step("re-share the HSM credential over the cards without (\\S+) and with (\\S+), and rotate it", "step.reshare_replace"),
            step("reset the PIN of (\\S+) through the card's security officer path; its holder sets a new PIN", "step.unblock"),
            step("re-share the HSM credential (\\d+)-of-(\\d+) over (.+), and rotate it", "step.reshare_quorum"),
            step("set the role rule: (.+)", "step.role_rule"),
            step("check that (\\S+) opens its share of the new card set", "step.check_new_share"));

    private record StepPattern(Pattern pattern, String key) {
    }

    private static StepPattern step(String regex, String key) {
        return new StepPattern(Pattern.compile(regex), key);
    }

    private final Locale locale;
    private final ResourceBundle bundle;

    private Words(Locale locale) {
        this.locale = locale;
        this.bundle = ResourceBundle.getBundle(BUNDLE, locale, ResourceBundle.Control.getNoFallbackControl(
                ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    /** The words of {@code locale}: Chinese for any {@code zh} locale, English otherwise. */
    public static Words of(Locale locale) {
        return new Words("zh".equals(locale.getLanguage()) ? Locale.SIMPLIFIED_CHINESE : Locale.ROOT);
    }

    public Locale locale() {
        return locale;
    }

    public String role(Role r) {
        return get("role." + r.name());
    }

    public String runState(RunState s) {
        return get("run.state." + s.name());
    }

    public String stepState(StepRecord.State s) {
        return get("step.state." + s.name());
    }

    public String ceremonyType(CeremonyType t) {
        return get("ceremony.type." + t.name());
    }

    /** A type as a run records it ({@code generate-working-keys}); an unknown name is shown as it is. */
    public String ceremonyType(String yamlName) {
        return CeremonyType.fromYamlName(yamlName).map(this::ceremonyType).orElse(yamlName);
    }

    public String refusal(QuorumRefusal.Kind k) {
        return get("refusal." + k.name());
    }

    public String pinPrompt(PinPrompt p) {
        return get("pin.prompt." + p.name());
    }

    /** A key's status (ACTIVE, PENDING, RETIRED, REVOKED, WITHDRAWN) in words; an unknown one as it is. */
    public String keyStatus(String status) {
        return has("key.status." + status) ? get("key.status." + status) : status;
    }

    /** The sentence of a PIN refusal, with the tries left; never the PKCS#11 code (that is {@link #details}). */
    public String pinRefusal(PinRefusal r) {
        return format("pin.reason." + r.reason().name(), pinPrompt(r.prompt()), r.token(), r.triesLeft().orElse(0));
    }

    /** The technical line under a sentence ("details: C_SetPIN returned CKR_PIN_INCORRECT (0xa0)"). */
    public String details(String technical) {
        return format("details", technical);
    }

    /**
     * A step name as the journal keeps it, in these words: the known step names are recognised and said again;
     * any other name (a step added since) is returned as it is.
     */
    public String stepName(String journaled) {
        return stepKey(journaled).map(m -> {
            Object[] args = new Object[m.matcher().groupCount()];
            for (int i = 0; i < args.length; i++) {
                String g = m.matcher().group(i + 1);
                args[i] = roleOf(g).map(this::role).orElse(g);
            }
            return format(m.key(), args);
        }).orElse(journaled);
    }

    /** The key a journaled step name is said with, if it is a known one. */
    public static Optional<String> stepKeyOf(String journaled) {
        return stepKey(journaled).map(StepMatch::key);
    }

    private record StepMatch(String key, Matcher matcher) {
    }

    private static Optional<StepMatch> stepKey(String journaled) {
        for (StepPattern p : STEPS) {
            Matcher m = p.pattern().matcher(journaled);
            if (m.matches()) {
                return Optional.of(new StepMatch(p.key(), m));
            }
        }
        return Optional.empty();
    }

    private static Optional<Role> roleOf(String words) {
        return switch (words) {
            case "security officer" -> Optional.of(Role.SECURITY_OFFICER);
            case "key custodian" -> Optional.of(Role.KEY_CUSTODIAN);
            case "auditor" -> Optional.of(Role.AUDITOR);
            default -> Optional.empty();
        };
    }

    /** The text of {@code key}. */
    public String get(String key) {
        return bundle.getString(key);
    }

    /** The text of {@code key} with its arguments (MessageFormat). */
    public String format(String key, Object... args) {
        return new MessageFormat(get(key), locale).format(args);
    }

    boolean has(String key) {
        try {
            bundle.getString(key);
            return true;
        } catch (MissingResourceException e) {
            return false;
        }
    }

    /** Every key a person may be shown through this class: one per enum constant, plus the fixed ones. */
    public static List<String> keys() {
        List<String> out = new ArrayList<>();
        for (Role r : Role.values()) {
            out.add("role." + r.name());
        }
        for (RunState s : RunState.values()) {
            out.add("run.state." + s.name());
        }
        for (StepRecord.State s : StepRecord.State.values()) {
            out.add("step.state." + s.name());
        }
        for (CeremonyType t : CeremonyType.values()) {
            out.add("ceremony.type." + t.name());
        }
        for (QuorumRefusal.Kind k : QuorumRefusal.Kind.values()) {
            out.add("refusal." + k.name());
        }
        for (PinPrompt p : PinPrompt.values()) {
            out.add("pin.prompt." + p.name());
        }
        for (PinRefusal.Reason r : PinRefusal.Reason.values()) {
            out.add("pin.reason." + r.name());
        }
        for (String s : List.of("ACTIVE", "PENDING", "RETIRED", "REVOKED", "WITHDRAWN")) {
            out.add("key.status." + s);
        }
        out.addAll(List.of("pin.again", "pin.stop", "details"));
        STEPS.forEach(p -> out.add(p.key()));
        return out;
    }
}
