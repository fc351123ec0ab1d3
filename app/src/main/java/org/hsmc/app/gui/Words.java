package org.hsmc.app.gui;

import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.custody.QuorumPolicy;
import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.Role;
import org.hsmc.ceremony.run.RunState;
import org.hsmc.ceremony.run.StepRecord;
import org.hsmc.ceremony.script.CeremonyType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words the window shows for what the domain gives as a name: roles, run and step states, key statuses, refusal
 * kinds, audit outcomes, ceremony types, quorum rules, and PKCS#11 codes (which go to a details line). Each has its
 * key in both languages; a name the window does not know yet (a newer domain) is shown lower-case, never as a
 * constant.
 */
final class Words {

    private static final Pattern CKR = Pattern.compile("(?:C_\\w+ returned )?(CKR_[A-Z0-9_]+)(?: \\((0x[0-9a-fA-F]+)\\))?");

    private Words() {
    }

    /** An unknown name as a plain word: "SOME_NAME" → "some name". */
    static String plain(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
    }

    static String role(I18n i18n, Role r) {
        return switch (r) {
            case SECURITY_OFFICER -> i18n.t("word.role.security_officer");
            case KEY_CUSTODIAN -> i18n.t("word.role.key_custodian");
            case AUDITOR -> i18n.t("word.role.auditor");
        };
    }

    /** A role as stored (its name); an unknown one as a plain word. */
    static String role(I18n i18n, String name) {
        try {
            return role(i18n, Role.valueOf(name));
        } catch (IllegalArgumentException | NullPointerException e) {
            return plain(name);
        }
    }

    static String runState(I18n i18n, RunState s) {
        return switch (s) {
            case PLANNED -> i18n.t("word.run.planned");
            case QUORUM -> i18n.t("word.run.quorum");
            case STEPS -> i18n.t("word.run.steps");
            case COMPLETED -> i18n.t("word.run.completed");
            case ABORTED -> i18n.t("word.run.aborted");
            case FAILED -> i18n.t("word.run.failed");
        };
    }

    /** A run state as the store names it. */
    static String runState(I18n i18n, String name) {
        try {
            return runState(i18n, RunState.valueOf(name));
        } catch (IllegalArgumentException | NullPointerException e) {
            return plain(name);
        }
    }

    static String stepState(I18n i18n, StepRecord.State s) {
        return switch (s) {
            case STARTED -> i18n.t("word.step.started");
            case DONE -> i18n.t("word.step.done");
            case FAILED -> i18n.t("word.step.failed");
        };
    }

    static String keyStatus(I18n i18n, String status) {
        return switch (status == null ? "" : status) {
            case "ACTIVE" -> i18n.t("word.key.active");
            case "PENDING" -> i18n.t("word.key.pending");
            case "RETIRED" -> i18n.t("word.key.retired");
            case "REVOKED" -> i18n.t("word.key.revoked");
            case "ABORTED" -> i18n.t("word.key.aborted");
            case "DESTROYED" -> i18n.t("word.key.destroyed");
            default -> plain(status);
        };
    }

    static String outcome(I18n i18n, String name) {
        Outcome o;
        try {
            o = Outcome.valueOf(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            return plain(name);
        }
        return switch (o) {
            case DONE -> i18n.t("word.outcome.done");
            case REFUSED -> i18n.t("word.outcome.refused");
            case FAILED -> i18n.t("word.outcome.failed");
        };
    }

    static String refusal(I18n i18n, QuorumRefusal.Kind k) {
        return switch (k) {
            case WRONG_PIN -> i18n.t("word.refusal.wrong_pin");
            case LOCKED_CARD -> i18n.t("word.refusal.locked_card");
            case UNKNOWN_CARD -> i18n.t("word.refusal.unknown_card");
            case OTHER_CARD_SET -> i18n.t("word.refusal.other_card_set");
            case REVOKED_CARD -> i18n.t("word.refusal.revoked_card");
            case SAME_CARD_TWICE -> i18n.t("word.refusal.same_card_twice");
            case SAME_HOLDER_TWICE -> i18n.t("word.refusal.same_holder_twice");
            case ROLE_NOT_ALLOWED -> i18n.t("word.refusal.role_not_allowed");
            case TOO_FEW_CARDS -> i18n.t("word.refusal.too_few_cards");
            case DAMAGED_SHARE -> i18n.t("word.refusal.damaged_share");
            case CREDENTIAL_REJECTED -> i18n.t("word.refusal.credential_rejected");
        };
    }

    /** A ceremony type's name in words (its script name stays on the review page, where the script is shown). */
    static String type(I18n i18n, CeremonyType t) {
        return switch (t.yamlName()) {
            case "initialize" -> i18n.t("word.type.initialize");
            case "generate-master-key" -> i18n.t("word.type.generate_master_key");
            case "generate-zone-master-key" -> i18n.t("word.type.generate_zone_master_key");
            case "import-zone-master-key" -> i18n.t("word.type.import_zone_master_key");
            case "generate-working-keys" -> i18n.t("word.type.generate_working_keys");
            case "rotate" -> i18n.t("word.type.rotate");
            case "revoke" -> i18n.t("word.type.revoke");
            case "export-bundle" -> i18n.t("word.type.export_bundle");
            case "restore-master-key" -> i18n.t("word.type.restore_master_key");
            default -> org.hsmc.ceremony.i18n.Words.of(i18n.locale()).ceremonyType(t); // the domain's words, en and zh
        };
    }

    /** A type as a run record names it (its script name). */
    static String type(I18n i18n, String yamlName) {
        return CeremonyType.fromYamlName(yamlName).map(t -> type(i18n, t)).orElse(plain(yamlName));
    }

    /** A quorum rule ("roles=KEY_CUSTODIAN,SECURITY_OFFICER;min.SECURITY_OFFICER=1") in words. */
    static String policy(I18n i18n, String text) {
        QuorumPolicy p;
        try {
            p = QuorumPolicy.parse(text);
        } catch (RuntimeException e) {
            return text;
        }
        List<String> roles = new ArrayList<>();
        p.allowedRoles().stream().sorted().forEach(r -> roles.add(role(i18n, r)));
        String out = i18n.t("word.policy.roles", String.join(i18n.t("word.list_separator"), roles));
        for (Map.Entry<Role, Integer> e : p.minimum().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            out += i18n.t("word.policy.minimum", e.getValue(), role(i18n, e.getKey()));
        }
        return out;
    }

    /**
     * A failure as a person reads it: a PKCS#11 code ("C_SetPIN returned CKR_PIN_INCORRECT (0xa0)") is replaced by what
     * it means, and the code itself goes to a details line at the end.
     */
    static String failure(I18n i18n, String message) {
        if (message == null) {
            return "";
        }
        Matcher m = CKR.matcher(message);
        if (!m.find()) {
            return message;
        }
        String code = m.group(0);
        String meaning = switch (m.group(1)) {
            case "CKR_PIN_INCORRECT" -> i18n.t("word.ckr.pin_incorrect");
            case "CKR_PIN_LOCKED" -> i18n.t("word.ckr.pin_locked");
            case "CKR_PIN_LEN_RANGE" -> i18n.t("word.ckr.pin_len_range");
            case "CKR_TOKEN_NOT_PRESENT", "CKR_DEVICE_REMOVED" -> i18n.t("word.ckr.token_not_present");
            case "CKR_USER_NOT_LOGGED_IN" -> i18n.t("word.ckr.not_logged_in");
            default -> i18n.t("word.ckr.other");
        };
        String text = (message.substring(0, m.start()) + meaning + message.substring(m.end())).trim();
        return text + "\n" + i18n.t("word.details", code);
    }
}
