package org.hsmc.app.cli;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Token;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** The console's home (site profile, store, audit log, tokens) for the screens, which live in another package. */
public final class ConsoleAccess implements AutoCloseable {

    private final ConsoleContext ctx;

    private ConsoleAccess(ConsoleContext ctx) {
        this.ctx = ctx;
    }

    /** Opens the home; refuses, with what to do, when it has no site profile. */
    public static ConsoleAccess open(Path home) {
        try {
            return new ConsoleAccess(ConsoleContext.open(home));
        } catch (Hsmc.UserError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Makes the demo home at {@code home} when it has none (as {@code hsmc demo}), printing to {@code out}. */
    public static void ensureDemo(Path home, java.io.PrintWriter out) {
        if (java.nio.file.Files.isRegularFile(home.resolve(SiteProfile.FILE))) {
            return;
        }
        DemoCommand demo = new DemoCommand();
        demo.homeOption = new HomeOption();
        demo.homeOption.home = home;
        try {
            demo.createHome(home, out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public Path home() {
        return ctx.home;
    }

    public String site() {
        return ctx.profile.site();
    }

    /** The site's rule for LMK backups (site profile {@code lmk.backup}). */
    public org.hsmc.ceremony.run.LmkBackupPolicy lmkBackupPolicy() {
        return ctx.profile.lmkBackup();
    }

    public Store store() {
        return ctx.store;
    }

    public AuditLog audit() {
        return ctx.audit;
    }

    public Clock clock() {
        return ctx.clock;
    }

    public Token hsm() {
        return ctx.hsm();
    }

    public Token card(String label) {
        return ctx.card(label);
    }

    public List<String> cardLabels() {
        return ctx.cardLabels();
    }

    /** True when this home writes key component forms into its rehearsal folder instead of printing them. */
    public boolean formsToRehearsalFolder() {
        return ctx.profile.forms().rehearsalFolder();
    }

    /** The printer of key component forms that the site profile names (the window prefers its print dialog at a real site). */
    public FormPrinter formPrinter() {
        return ctx.formPrinter();
    }

    @Override
    public void close() {
        ctx.close();
    }
}
