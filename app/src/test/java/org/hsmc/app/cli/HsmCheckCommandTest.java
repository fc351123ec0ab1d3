package org.hsmc.app.cli;

import org.hsmc.app.support.Cli;
import org.hsmc.testsupport.NssStore;
import org.hsmc.testsupport.SoftHsmStore;
import org.hsmc.testsupport.TokenStore;
import org.hsmc.testsupport.TokenStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hsmc hsm check} on SoftHSM2 and NSS: ready as HSM and as card; not ready, by name, on a token whose RFC
 * 5649 wrap mechanisms (or ECDH) the site's vendor quirks exclude, through the same check; and from a site
 * profile whose HSM is on SoftHSM2 and whose cards are on NSS (init args in the profile).
 */
class HsmCheckCommandTest {

    /** The command line that names {@code store}'s module, as an operator would type it. */
    private static List<String> moduleArgs(TokenStore store, String token) {
        List<String> a = new ArrayList<>(List.of("hsm", "check", "--module", store.moduleConfig().path().toString(), "--token", token));
        store.moduleConfig().initArgs().ifPresent(i -> a.addAll(List.of("--init-args", i)));
        for (Map.Entry<String, String> e : store.moduleConfig().environment().entrySet()) {
            a.addAll(List.of("--module-env", e.getKey() + "=" + e.getValue()));
        }
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.hsmc.testsupport.TokenStores#both")
    void readyAsHsmAndAsCard(TokenStore store) {
        Cli.Result hsm = Cli.run(moduleArgs(store, SoftHsmStore.HSM_X).toArray(String[]::new));
        assertThat(hsm.exit()).as(hsm.out() + hsm.err()).isZero();
        assertThat(hsm.out()).contains("PASS    RFC 5649 key wrap", "PASS    AES-CMAC KCV, equal to Bouncy Castle's",
                "PASS    ECDSA P-384 signature", "PASS    random numbers", "PASS    PIN length", "READY: 1 token(s) checked")
                .contains(store.implementation().equals("NSS") ? "CKM_AES_KEY_WRAP_KWP" : "CKM_AES_KEY_WRAP_PAD");
        assertThat(hsm.out()).contains(store.implementation().equals("NSS") ? "PASS    RSA-OAEP-SHA256" : "LIMITED RSA-OAEP-SHA256");

        List<String> card = moduleArgs(store, SoftHsmStore.cardLabel(21));
        card.add("--card");
        Cli.Result c = Cli.run(card.toArray(String[]::new));
        assertThat(c.exit()).as(c.out() + c.err()).isZero();
        assertThat(c.out()).contains("as an admin card", "PASS    ECDH P-256 agreement", "PASS    ECDSA P-256 signature", "READY");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.hsmc.testsupport.TokenStores#both")
    void notReadyByNameWithoutAnRfc5649WrapOrWithoutEcdh(TokenStore store, @TempDir Path dir) throws Exception {
        String manufacturer = store.implementation().equals("NSS") ? "Mozilla\\ Foundation" : "SoftHSM\\ project";
        Path quirks = Files.writeString(dir.resolve("site-quirks.properties"),
                manufacturer + ".mechanisms.excluded=0x210A,0x210B,0x1050\n", StandardCharsets.ISO_8859_1);
        List<String> args = moduleArgs(store, SoftHsmStore.HSM_X);
        args.addAll(List.of("--quirks", quirks.toString()));
        Cli.Result hsm = Cli.run(args.toArray(String[]::new));
        assertThat(hsm.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(hsm.out()).contains("MISSING RFC 5649 key wrap", "CKM_AES_KEY_WRAP_KWP: not offered",
                "NOT READY: 'hsm-x' (as the HSM) lacks RFC 5649 key wrap (stored keys, bundles, node import)");

        List<String> card = moduleArgs(store, SoftHsmStore.cardLabel(21));
        card.addAll(List.of("--quirks", quirks.toString(), "--card"));
        Cli.Result c = Cli.run(card.toArray(String[]::new));
        assertThat(c.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(c.out()).contains("NOT READY: 'card-21' (as an admin card) lacks ECDH P-256 agreement (share decryption)");
    }

    @Test
    void aMixedSiteProfileIsCheckedHsmAndCards(@TempDir Path home) throws Exception {
        SoftHsmStore soft = (SoftHsmStore) TokenStores.softHsm();
        NssStore nss = (NssStore) TokenStores.nss();
        Files.writeString(home.resolve(SiteProfile.FILE), String.join("\n",
                "site=mixed",
                "hsm.module=" + soft.module(),
                "hsm.token=" + SoftHsmStore.HSM_X,
                "cards.module=" + nss.moduleConfig().path(),
                "cards.module.init_args=" + nss.moduleConfig().initArgs().orElseThrow().replace("\\", "\\\\"),
                "module.env.SOFTHSM2_CONF=" + soft.config()) + "\n", StandardCharsets.UTF_8);
        Cli.Result r = Cli.run("hsm", "check", "--home", home.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Token 'hsm-x' as the HSM: SoftHSM", "Token 'card-21' as an admin card: Mozilla Foundation",
                "serial 0000000000000000/card-21", "READY");

        Files.writeString(home.resolve(SiteProfile.FILE), "cards.module.init_args=configdir='sql:/tmp' password=x\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        Cli.Result secret = Cli.run("hsm", "check", "--home", home.toString());
        assertThat(secret.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(secret.err()).contains("cards.module.init_args seems to hold a PIN or password");
    }
}
