package org.hsmc.app.support;

import org.hsmc.app.cli.Hsmc;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hsmc} in a process of its own, as from the shell: one JVM per command, so each loads its PKCS#11
 * libraries afresh (NSS reads its initialisation arguments once per process) and nothing is shared with the
 * test's JVM.
 */
public final class HsmcProcess {

    /** Its exit code, and what it wrote to standard output and standard error, together. */
    public record Result(int exit, String out) {
    }

    private HsmcProcess() {
    }

    public static Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.crypto.cryptoki",
                "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Hsmc.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
