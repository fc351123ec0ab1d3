package org.hsmc.app.cli;

import org.hsmc.pkcs11.softhsm.SoftHsm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code hsmc demo}: a rehearsal home with no hardware. A SoftHSM2 store with one HSM token and five
 * card tokens, a site profile pointing at it, and a sheet of the demo PINs; then the status of it all.
 * Run again, it reuses the home it made.
 */
@Command(name = "demo", description = "Create (or reuse) a rehearsal home on SoftHSM2: an HSM token, 5 admin cards, a site profile and the demo PIN sheet; then show the status.")
final class DemoCommand implements Callable<Integer> {

    static final String HSM_TOKEN = "demo-hsm";
    static final int CARDS = 5;
    /**
     * A sixth card, not enrolled by initialize: a stranger's card until examples/ceremonies/10-replace-card.yaml
     * enrols it for Erin in place of demo-card-5.
     */
    static final String SPARE_CARD = "demo-card-spare";
    /** A seventh card, for a new custodian: examples/ceremonies/11-enrol-card.yaml enrols it for Frank. */
    static final String NEW_CARD = "demo-card-new";
    /** Rehearsal PINs, printed on the demo PIN sheet: never use a demo home for real keys. */
    private static final String DEMO_SO_PIN = "demo-so-1234";

    @Mixin
    HomeOption homeOption;

    @picocli.CommandLine.Option(names = "--cards-on", paramLabel = "IMPL", description = "Where the demo cards live:"
            + " softhsm2 (the default, with the HSM) or nss (NSS's softokn, a mixed home: the HSM on SoftHSM2, the cards on"
            + " a second PKCS#11 implementation; needs libnss3).")
    String cardsOn = "softhsm2";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path home = homeOption.resolve();
        if (Files.isRegularFile(home.resolve(SiteProfile.FILE))) {
            out.println("Demo home already set up: " + home);
        } else {
            create(home, out);
        }
        return new StatusCommand().show(home, out);
    }

    void createHome(Path home, PrintWriter out) throws IOException {
        create(home, out);
    }

    private void create(Path home, PrintWriter out) throws IOException {
        Path module = SoftHsm.findModule().orElseThrow(() -> new Hsmc.UserError(SoftHsm.missingMessage()));
        boolean nssCards = switch (cardsOn) {
            case "softhsm2" -> false;
            case "nss" -> true;
            default -> throw new Hsmc.UserError("--cards-on " + cardsOn + ": write softhsm2 or nss.");
        };
        Path nssModule = nssCards ? org.hsmc.pkcs11.nss.Nss.findModule()
                .orElseThrow(() -> new Hsmc.UserError(org.hsmc.pkcs11.nss.Nss.missingMessage())) : null;
        if (Files.isDirectory(home) && Files.list(home).findAny().isPresent()) {
            throw new Hsmc.UserError("The directory " + home + " is not empty and holds no site profile. Choose an"
                    + " empty directory with --home, so that nothing there is overwritten.");
        }
        org.hsmc.ceremony.store.PrivateFiles.createDirectories(home);
        org.hsmc.ceremony.store.PrivateFiles.restrict(home); // the officer's alone, even when the empty folder existed
        Path conf = SoftHsm.createStore(home.resolve("softhsm"));
        out.println("Creating the demo token store in " + conf.getParent() + " …");
        SoftHsm.initToken(conf, HSM_TOKEN, DEMO_SO_PIN.toCharArray(), demoUserPin(HSM_TOKEN).toCharArray());
        String cardsInitArgs = null;
        if (nssCards) {
            cardsInitArgs = DemoNssCards.create(home.resolve("nss"), out, CARDS, SPARE_CARD, DemoCommand::demoUserPin, nssModule);
        } else {
            for (int i = 1; i <= CARDS; i++) {
                SoftHsm.initToken(conf, cardLabel(i), DEMO_SO_PIN.toCharArray(), demoUserPin(cardLabel(i)).toCharArray());
            }
            SoftHsm.initToken(conf, SPARE_CARD, DEMO_SO_PIN.toCharArray(), "spare-1234".toCharArray());
            SoftHsm.initToken(conf, NEW_CARD, DEMO_SO_PIN.toCharArray(), "new-1234".toCharArray());
        }
        new SiteProfile(nssCards ? "demo (SoftHSM2 HSM, NSS cards rehearsal)" : "demo (SoftHSM2 rehearsal)", module, HSM_TOKEN,
                nssCards ? nssModule : module, SoftHsm.environment(conf), SiteProfile.Forms.REHEARSAL).write(home);
        if (nssCards) {
            DemoNssCards.appendInitArgs(home.resolve(SiteProfile.FILE), cardsInitArgs);
        }
        StringBuilder sheet = new StringBuilder("""
                DEMO PIN SHEET (rehearsal only: these tokens are software, these PINs are public)

                token            security officer PIN   user PIN (transport PIN for cards)
                """);
        sheet.append("%-16s %-22s %s%n".formatted(HSM_TOKEN, DEMO_SO_PIN, demoUserPin(HSM_TOKEN)));
        String cardSoPin = nssCards ? "(empty: NSS)" : DEMO_SO_PIN;
        for (int i = 1; i <= CARDS; i++) {
            sheet.append("%-16s %-22s %s%n".formatted(cardLabel(i), cardSoPin, demoUserPin(cardLabel(i))));
        }
        sheet.append("%-16s %-22s %s   (not enrolled at first: present it to see an unknown card refused; 10-replace-card"
                + " gives it to Erin)%n".formatted(SPARE_CARD, cardSoPin, "spare-1234"));
        if (!nssCards) {
            sheet.append("%-16s %-22s %s   (11-enrol-card gives it to Frank, a new custodian)%n".formatted(NEW_CARD, DEMO_SO_PIN,
                    "new-1234"));
        }
        sheet.append("""

                At the initialize ceremony the console replaces the HSM user PIN with a random credential split
                over the cards, and each custodian replaces their card's transport PIN with their own. In the
                rehearsal scripts (examples/ceremonies) the custodians choose these PINs:

                """);
        StringBuilder rehearsal = new StringBuilder("""
                # Rehearsal PINs for the demo home and examples/ceremonies: public, never for real keys.
                # Use with: hsmc ceremony run SCRIPT --rehearsal-pins THIS_FILE
                hsm.pin=%s
                quorum.cards=demo-card-1,demo-card-2,demo-card-3
                """.formatted(demoUserPin(HSM_TOKEN)));
        for (int i = 1; i <= CARDS; i++) {
            sheet.append("%-16s %-8s %s%n".formatted(cardLabel(i), CUSTODIANS[i - 1], custodianPin(i)));
            if (i == CARDS) {
                sheet.append("%-16s %-8s %s   (from 10-replace-card)%n".formatted(SPARE_CARD, "Erin", "erin-5555"));
                sheet.append("%-16s %-8s %s   (from 11-enrol-card)%n".formatted(NEW_CARD, "Frank", "frank-6666"));
            }
            rehearsal.append("card.%s.transport=%s%ncard.%s.pin=%s%n".formatted(cardLabel(i), demoUserPin(cardLabel(i)),
                    cardLabel(i), custodianPin(i)));
        }
        rehearsal.append("""
                # the cards of the custody ceremonies (examples/ceremonies/10-…14-): the spare card becomes Erin's,
                # the new card Frank's; unblock-card resets Bob's card through its SO PIN to the same PIN
                card.%s.transport=spare-1234
                card.%s.pin=erin-5555
                card.%s.transport=new-1234
                card.%s.pin=frank-6666
                card.demo-card-2.so=%s
                """.formatted(SPARE_CARD, SPARE_CARD, NEW_CARD, NEW_CARD, DEMO_SO_PIN));
        rehearsal.append("""
                # the three demo components of zmk/bj-01/v1 (examples/ceremonies/07-import-zone-master-key.yaml)
                component.zmk/bj-01/v1.1=1111111111111111111111111111111111111111111111111111111111111111
                component.zmk/bj-01/v1.2=2222222222222222222222222222222222222222222222222222222222222222
                component.zmk/bj-01/v1.3=4444444444444444444444444444444444444444444444444444444444444444
                """);
        for (var f : java.util.Map.of("demo-pins.txt", sheet, REHEARSAL_PINS, rehearsal).entrySet()) {
            try (OutputStream o = org.hsmc.ceremony.store.PrivateFiles.newOutputStream(home.resolve(f.getKey()))) { // 0600
                o.write(f.getValue().toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        out.println("Demo home created: " + home);
        out.println("Demo PIN sheet:    " + home.resolve("demo-pins.txt"));
        out.println("Rehearse the ceremonies in order, for example:");
        out.println("  bin/hsmc ceremony run examples/ceremonies/01-initialize.yaml --home " + home
                + " --rehearsal-pins " + home.resolve(REHEARSAL_PINS));
    }

    static final String REHEARSAL_PINS = "rehearsal-pins.properties";
    private static final String[] CUSTODIANS = {"Alice", "Bob", "Carol", "Dave", "Erin"};

    private static String custodianPin(int i) {
        return CUSTODIANS[i - 1].toLowerCase(java.util.Locale.ROOT) + "-" + String.valueOf(i).repeat(4);
    }

    static String cardLabel(int i) {
        return "demo-card-" + i;
    }

    private static String demoUserPin(String label) {
        return label.startsWith("demo-card-") ? "12345" + label.substring("demo-card-".length()) : "demo-hsm-1234";
    }
}
