package org.hsmc.app.cli;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Token;

import java.nio.file.Path;
import java.time.Clock;

/**
 * What a command needs from the console's home: the site profile, the store and its audit log, and
 * the HSM and card modules. Opened per command, closed at its end.
 */
final class ConsoleContext implements AutoCloseable {

    final Path home;
    final SiteProfile profile;
    final Store store;
    final AuditLog audit;
    final Clock clock = Clock.systemUTC();
    final ModuleSettings modules;
    private Pkcs11Module hsmModule;
    private Pkcs11Module cardModule;

    private ConsoleContext(Path home, SiteProfile profile, Store store) {
        this.home = home;
        this.profile = profile;
        this.store = store;
        this.audit = new AuditLog(store, clock);
        this.modules = ModuleSettings.read(home, profile);
    }

    static ConsoleContext open(Path home) {
        SiteProfile profile = SiteProfile.read(home);
        return new ConsoleContext(home, profile, Store.open(ConsoleHome.store(home)));
    }

    Token hsm() {
        if (hsmModule == null) {
            hsmModule = Pkcs11Module.load(modules.hsm());
        }
        return hsmModule.token(profile.hsmToken());
    }

    Token card(String label) {
        if (cardModule == null) {
            cardModule = Pkcs11Module.load(modules.cards());
        }
        return cardModule.token(label);
    }

    /** Labels of the card tokens present now (every initialised token but the HSM's). */
    java.util.List<String> cardLabels() {
        if (cardModule == null) {
            cardModule = Pkcs11Module.load(modules.cards());
        }
        return cardModule.slots().stream().flatMap(s -> s.token().stream())
                .filter(t -> t.initialized() && !t.label().equals(profile.hsmToken()))
                .map(org.hsmc.pkcs11.TokenDescription::label).sorted().toList();
    }

    /** Where this home's key component forms go: its rehearsal folder, or the print command of the site profile. */
    FormPrinter formPrinter() {
        return profile.forms().rehearsalFolder() ? new RehearsalFormFolder(home.resolve(RehearsalFormFolder.FOLDER))
                : new CommandFormPrinter(profile.forms().printCommand());
    }

    @Override
    public void close() {
        try {
            if (hsmModule != null) {
                hsmModule.close();
            }
            if (cardModule != null) {
                cardModule.close();
            }
        } finally {
            store.close();
        }
    }
}
