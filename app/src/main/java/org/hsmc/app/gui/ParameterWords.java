package org.hsmc.app.gui;

import org.hsmc.ceremony.custody.Role;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameter form in words: each field's label, the columns of the lists edited as rows, and a parser problem's
 * field path ("keys[0].algorithm") as a person reads it ("Key 1, algorithm"). The script keeps its YAML names; they
 * are on each label's tooltip and in the script preview beside the form.
 */
final class ParameterWords {

    private static final Pattern PATH = Pattern.compile("^([a-z_]+)(?:\\[(\\d+)])?(?:\\.([a-z_]+))?: ");

    private ParameterWords() {
    }

    /** The label of a field of the form (its YAML path); a field the window does not know keeps its name. */
    static String label(I18n i18n, String name) {
        // a nested field is matched as "parent/child": the names stay apart from the bundle's keys
        return switch (name.replace('.', '/')) {
            case "title" -> i18n.t("param.title");
            case "operator" -> i18n.t("param.operator");
            case "witnesses" -> i18n.t("param.witnesses");
            case "notes" -> i18n.t("param.notes");
            case "threshold" -> i18n.t("param.threshold");
            case "custodians" -> i18n.t("param.custodians");
            case "bundle_signer/subject" -> i18n.t("param.bundle_signer_subject");
            case "version" -> i18n.t("param.version");
            case "rotate" -> i18n.t("param.rotate");
            case "recovery/threshold" -> i18n.t("param.recovery_threshold");
            case "recovery/holders" -> i18n.t("param.recovery_holders");
            case "zone/id", "zone" -> i18n.t("param.zone_id");
            case "zone/name" -> i18n.t("param.zone_name");
            case "components" -> i18n.t("param.components");
            case "component_holders" -> i18n.t("param.component_holders");
            case "transport_key" -> i18n.t("param.transport_key");
            case "component_kcvs" -> i18n.t("param.component_kcvs");
            case "kcv" -> i18n.t("param.kcv");
            case "keys" -> i18n.t("param.keys");
            case "due_within_days" -> i18n.t("param.due_within_days");
            case "overlap_days" -> i18n.t("param.overlap_days");
            case "validity_days" -> i18n.t("param.validity_days");
            case "reason" -> i18n.t("param.reason");
            case "incident" -> i18n.t("param.incident");
            case "zones" -> i18n.t("param.zones");
            case "expires_in_days" -> i18n.t("param.expires_in_days");
            case "output_directory" -> i18n.t("param.output_directory");
            // custody ceremonies
            case "card" -> i18n.t("param.card");
            case "new_card" -> i18n.t("param.new_card");
            case "holder" -> i18n.t("param.holder");
            case "role" -> i18n.t("param.role");
            case "cards" -> i18n.t("param.cards");
            case "rule/roles" -> i18n.t("param.rule_roles");
            case "rule/minimum" -> i18n.t("param.rule_minimum");
            default -> name;
        };
    }

    /** The columns of a list field edited as rows; empty for a field that is not one. */
    static List<RowEditor.Column> rows(I18n i18n, String name) {
        return switch (name) {
            case "keys" -> List.of(
                    RowEditor.Column.choice("purpose", i18n.t("param.key.purpose"), List.of("DEK", "KEK", "MAC"), x -> x),
                    RowEditor.Column.choice("algorithm", i18n.t("param.key.algorithm"), List.of("AES-128", "AES-192", "AES-256"), x -> x),
                    RowEditor.Column.text("version", i18n.t("param.key.version")),
                    RowEditor.Column.text("valid_from", i18n.t("param.key.valid_from")),
                    RowEditor.Column.text("valid_until", i18n.t("param.key.valid_until")));
            case "custodians" -> List.of(
                    RowEditor.Column.text("name", i18n.t("param.custodian.name")),
                    RowEditor.Column.choice("role", i18n.t("param.custodian.role"),
                            List.of(Role.KEY_CUSTODIAN.name(), Role.SECURITY_OFFICER.name(), Role.AUDITOR.name()), r -> Words.role(i18n, r)),
                    RowEditor.Column.text("card", i18n.t("param.custodian.card")));
            default -> List.of();
        };
    }

    /** A column of a row as a person reads it. */
    private static String column(I18n i18n, String list, String column) {
        for (RowEditor.Column c : rows(i18n, list)) {
            if (c.name().equals(column)) {
                return c.heading();
            }
        }
        return column;
    }

    /** A parser problem ("keys[0].algorithm: …") with its field path in words ("Key 1, algorithm: …"). */
    static String problem(I18n i18n, String problem) {
        Matcher m = PATH.matcher(problem);
        if (!m.find()) {
            return problem;
        }
        String top = m.group(1);
        String index = m.group(2);
        String sub = m.group(3);
        String where;
        if (index != null) {
            String item = switch (top) {
                case "keys" -> i18n.t("param.key.nth", Integer.parseInt(index) + 1);
                case "custodians" -> i18n.t("param.custodian.nth", Integer.parseInt(index) + 1);
                default -> label(i18n, top) + " " + (Integer.parseInt(index) + 1);
            };
            where = sub == null ? item : i18n.t("param.item_field", item, column(i18n, top, sub));
        } else {
            where = label(i18n, sub == null ? top : top + "." + sub);
        }
        return i18n.t("param.problem", where, problem.substring(m.end()));
    }
}
