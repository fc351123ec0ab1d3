package org.hsmc.app.gui;

import org.hsmc.app.cli.ConsoleAccess;
import org.hsmc.app.cli.FormPrinter;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Token;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The console's home as the screens use it: the store, the audit log and the tokens. Every method
 * here talks to the store or a token, so it is called from {@link BackgroundTasks} only (the store and
 * the driver refuse the JavaFX thread).
 */
public final class ConsoleSession implements AutoCloseable {

    private final ConsoleAccess access;

    private ConsoleSession(ConsoleAccess access) {
        this.access = access;
    }

    public static ConsoleSession open(Path home) {
        return new ConsoleSession(ConsoleAccess.open(home));
    }

    public Path home() {
        return access.home();
    }

    public String site() {
        return access.site();
    }

    public org.hsmc.ceremony.run.LmkBackupPolicy lmkBackupPolicy() {
        return access.lmkBackupPolicy();
    }

    public Store store() {
        return access.store();
    }

    public AuditLog audit() {
        return access.audit();
    }

    public Clock clock() {
        return access.clock();
    }

    public Token hsm() {
        return access.hsm();
    }

    public Token card(String label) {
        return access.card(label);
    }

    public List<String> cardLabels() {
        return access.cardLabels();
    }

    /** The admin cards' quorum as the store has it: M of N, the rule for {@code operation}, and the holders of the cards. */
    public record QuorumRule(int threshold, int cards, String policy, List<Holder> holders) {
    }

    /** A holder of an admin card: name, role (its stored name), and the card's label. */
    public record Holder(String name, String role, String card) {
    }

    /** Who holds each enrolled card, by the card's token label (for "card — holder" in the card pickers). Read only. */
    public java.util.Map<String, String> cardHolders() {
        return store().read(c -> {
            java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
            try (var ps = c.prepareStatement("SELECT k.token_label, p.name FROM card k JOIN custodian p ON p.id = k.custodian_id"
                    + " WHERE k.revoked_at IS NULL ORDER BY k.token_label")) {
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return out;
        });
    }

    /** The quorum that a run of {@code operation} will need; empty before the initialize ceremony. Read only. */
    public java.util.Optional<QuorumRule> quorumRule(String operation) {
        return store().read(c -> {
            int m;
            int n;
            String setId;
            try (var ps = c.prepareStatement("SELECT id, threshold, share_count FROM card_set WHERE purpose = 'ADMIN'"
                    + " AND activated_at IS NOT NULL AND retired_at IS NULL")) {
                try (var rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return java.util.Optional.<QuorumRule>empty();
                    }
                    setId = rs.getString(1);
                    m = rs.getInt(2);
                    n = rs.getInt(3);
                }
            }
            String rule = null;
            try (var ps = c.prepareStatement("SELECT rule FROM policy WHERE operation IN (?, 'default')"
                    + " ORDER BY operation = 'default'")) {
                ps.setString(1, operation);
                try (var rs = ps.executeQuery()) {
                    if (rs.next()) {
                        rule = rs.getString(1);
                    }
                }
            }
            String policy = (rule == null ? org.hsmc.ceremony.custody.QuorumPolicy.DEFAULT
                    : org.hsmc.ceremony.custody.QuorumPolicy.parse(rule)).text();
            List<Holder> holders = new java.util.ArrayList<>();
            try (var ps = c.prepareStatement("SELECT p.name, p.role, k.token_label FROM share s JOIN card k ON k.serial = s.card_serial"
                    + " JOIN custodian p ON p.id = k.custodian_id WHERE s.card_set_id = ? ORDER BY s.share_index")) {
                ps.setString(1, setId);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        holders.add(new Holder(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
            return java.util.Optional.of(new QuorumRule(m, n, policy, holders));
        });
    }

    /** True when component forms go to the home's rehearsal folder (the demo), not to a printer. */
    public boolean formsToRehearsalFolder() {
        return access.formsToRehearsalFolder();
    }

    /** The site profile's printer of component forms (the rehearsal folder in the demo). */
    public FormPrinter formPrinter() {
        return access.formPrinter();
    }

    @Override
    public void close() {
        access.close();
    }
}
