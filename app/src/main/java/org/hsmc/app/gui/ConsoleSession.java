package org.hsmc.app.gui;

import org.hsmc.app.cli.ConsoleAccess;
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

    @Override
    public void close() {
        access.close();
    }
}
