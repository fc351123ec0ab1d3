package org.hsmc.app.cli;

import org.hsmc.pkcs11.Capabilities;
import org.hsmc.pkcs11.ModuleDescription;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.SlotDescription;
import org.hsmc.pkcs11.Token;
import org.hsmc.pkcs11.TokenDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hsmc status}: the HSM, its token and mechanisms, and the cards present. */
@Command(name = "status", description = "Show the HSM (module, token, mechanisms, login state) and the admin cards present.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    HomeOption homeOption = new HomeOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return show(homeOption.resolve(), spec.commandLine().getOut());
    }

    int show(Path home, PrintWriter out) {
        SiteProfile profile = SiteProfile.read(home);
        out.println();
        out.println("Site:        " + profile.site());
        out.println("Home:        " + home);
        for (ConsoleHome.Exposure e : ConsoleHome.exposures(home)) {
            out.println(e.message());
        }
        ModuleSettings modules = ModuleSettings.read(home, profile);
        try (Pkcs11Module module = Pkcs11Module.load(modules.hsm())) {
            ModuleDescription d = module.description();
            out.println("HSM module:  " + d.path() + " (" + d.manufacturer() + ", " + d.description() + " "
                    + d.libraryVersion() + ", Cryptoki " + d.cryptokiVersion() + ")");
            Token hsm = module.token(profile.hsmToken());
            TokenDescription td = hsm.description();
            out.println("HSM token:   '" + td.label() + "' serial " + td.serialNumber() + ", " + td.manufacturer() + " "
                    + td.model() + ", " + (hsm.isLoggedIn() ? "logged in" : "not logged in")
                    + (td.userPinLocked() ? ", USER PIN LOCKED" : ""));
            Capabilities caps = hsm.capabilities();
            List<String> missing = hsm.missingForHsm();
            out.println("Mechanisms:  " + caps.mechanisms().size() + " offered; "
                    + (missing.isEmpty() ? "every mechanism the console needs is present" : "MISSING " + missing)
                    + (caps.ecdsaCombined(org.hsmc.pkcs11.EcdsaHash.SHA384) ? ""
                    : " (no CKM_ECDSA_SHA384: SHA-384 is computed by the console, then signed with CKM_ECDSA)")
                    + (hsm.quirks().rsaOaepSha256() ? "" : "; RSA-OAEP only with SHA-1, so zone transport keys cannot be used"));
            out.println("Cards:");
            int cards = 0;
            try (Pkcs11Module cardModule = Pkcs11Module.load(modules.cards())) {
                List<SlotDescription> slots = new java.util.ArrayList<>(cardModule.slots());
                slots.sort(java.util.Comparator.comparing(sd -> sd.token().map(TokenDescription::label).orElse("")));
                for (SlotDescription slot : slots) {
                    if (slot.token().isEmpty() || slot.token().get().label().equals(profile.hsmToken())
                            || !slot.token().get().initialized()) {
                        continue;
                    }
                    TokenDescription c = slot.token().get();
                    List<String> cardMissing = cardModule.token(c.label()).capabilities().missingForCard();
                    out.println("  - '" + c.label() + "' serial " + c.serialNumber()
                            + (c.userPinLocked() ? ", PIN LOCKED" : c.userPinCountLow() ? ", wrong PIN typed since last login" : "")
                            + (cardMissing.isEmpty() ? "" : ", cannot serve as an admin card: lacks " + cardMissing));
                    cards++;
                }
            }
            if (cards == 0) {
                out.println("  (no card present)");
            }
        }
        if (java.nio.file.Files.isRegularFile(ConsoleHome.store(home))) {
            try (org.hsmc.ceremony.store.Store store = org.hsmc.ceremony.store.Store.open(ConsoleHome.store(home))) {
                java.time.Clock clock = java.time.Clock.systemUTC();
                org.hsmc.ceremony.audit.AuditLog audit = new org.hsmc.ceremony.audit.AuditLog(store, clock);
                HsmHeadProbe kept = HsmHeadProbe.read(home, audit);
                var v = audit.verify(java.util.Optional.empty(), kept.head());
                out.println("Audit log:   " + (v.intact() ? "VERIFIED, " + v.entriesChecked() + " entries, head " + audit.head().text()
                        : "BROKEN: " + v.message() + " Key operations are refused until this is resolved."));
                out.println("HSM's head:  " + kept.note());
                var lmk = store.read(org.hsmc.ceremony.keys.KeyRecords::activeMasterKey);
                out.println("Master key:  " + lmk.map(k -> k.label() + " KCV " + k.kcv()).orElse("none yet"));
                out.println("Zones:       " + store.read(org.hsmc.ceremony.keys.KeyRecords::zones).size()
                        + ", working keys: " + store.read(org.hsmc.ceremony.keys.KeyRecords::countWorkingKeys));
                var interrupted = org.hsmc.ceremony.run.CeremonyRuns.unresolved(new org.hsmc.ceremony.run.RunJournal(store, audit, clock));
                if (!interrupted.isEmpty()) {
                    out.println("FAILED OR INTERRUPTED CEREMONIES (resolve first: hsmc ceremony resume RUN, or hsmc ceremony abort RUN"
                            + " --reason TEXT):");
                    interrupted.forEach(r -> out.println("  " + r.id() + "  " + r.type() + "  " + r.state() + "  " + r.title()));
                }
            }
        } else {
            out.println("Store:       not created yet (the first ceremony creates it)");
        }
        out.flush();
        return Hsmc.EXIT_OK;
    }
}
