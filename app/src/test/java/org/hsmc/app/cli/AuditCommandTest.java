package org.hsmc.app.cli;

import org.hsmc.app.support.Cli.Result;
import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditHead;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.AuditSigner;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.audit.SignerKeys;
import org.hsmc.ceremony.store.Store;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.hsmc.app.support.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hsmc audit verify}, {@code export} and {@code verify-file}, in-process, on a console store
 * whose checkpoints are signed with a software P-384 key (no SoftHSM2: the auditor's machine has none).
 */
class AuditCommandTest {

    /** A software stand-in for the HSM's audit key. */
    static final class SoftwareSigner implements AuditSigner {
        final KeyPair pair;

        SoftwareSigner() throws GeneralSecurityException {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp384r1"));
            pair = g.generateKeyPair();
        }

        @Override
        public String keyId() {
            return "audit-signer/v1";
        }

        @Override
        public byte[] publicKeyInfo() {
            return pair.getPublic().getEncoded();
        }

        @Override
        public byte[] sign(byte[] data) {
            try {
                Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
                s.initSign(pair.getPrivate());
                s.update(data);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @TempDir
    Path tmp;
    Path home;
    Path pem;
    AuditHead head;
    SoftwareSigner signer;

    @BeforeEach
    void aConsoleWithAnAuditLog() throws Exception {
        home = Files.createDirectories(tmp.resolve("home"));
        signer = new SoftwareSigner();
        try (Store store = Store.open(ConsoleHome.store(home))) {
            AuditLog log = new AuditLog(store, Clock.systemUTC());
            for (int i = 1; i <= 6; i++) {
                log.append(new AuditEvent("Ada Lovelace", "quorum.approved", Outcome.DONE, Map.of("card", "card-0" + i)));
            }
            log.checkpoint(signer);
            log.append(new AuditEvent("Ada Lovelace", "quorum.closed", Outcome.DONE));
            head = log.head();
        }
        pem = Files.writeString(tmp.resolve("audit-key.pem"), SignerKeys.toPem(signer.pair.getPublic()));
    }

    private Path export() {
        Path file = tmp.resolve("audit-" + System.nanoTime() + ".jsonl");
        Result r = run("audit", "export", "--out", file.toString(), "--home", home.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(Hsmc.EXIT_OK);
        return file;
    }

    @Test
    void verifyTheConsolesLog() {
        Result r = run("audit", "verify", "--home", home.toString(), "--expected-head", head.text());
        assertThat(r.exit()).as(r.err()).isEqualTo(Hsmc.EXIT_OK);
        assertThat(r.out()).contains("Result:      INTACT", "Entries:     8 checked", "Head:        " + head.text(),
                "Checkpoints: 1 verified, the last at entry 7", "holds the expected head");

        Result json = run("audit", "verify", "--home", home.toString(), "--json");
        assertThat(json.exit()).isEqualTo(Hsmc.EXIT_OK);
        assertThat(json.out().strip()).startsWith("{").endsWith("}").contains("\"intact\":true", "\"head\":\"" + head.text() + "\"");
    }

    @Test
    void thePublicKeyCommandWritesThePemAnExportVerifiesWith() throws Exception {
        Path out = tmp.resolve("written-key.pem");
        Result r = run("audit", "public-key", "--home", home.toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(Hsmc.EXIT_OK);
        assertThat(Files.readString(out)).isEqualTo(SignerKeys.toPem(signer.pair.getPublic()));
        assertThat(r.out()).contains("'audit-signer/v1' written to", "SHA-256 " + SignerKeys.fingerprint(signer.pair.getPublic()),
                "DER SubjectPublicKeyInfo");
        Result v = run("audit", "verify-file", export().toString(), "--public-key", out.toString());
        assertThat(v.exit()).as(v.out()).isEqualTo(Hsmc.EXIT_OK);
        Result again = run("audit", "public-key", "--home", home.toString(), "--out", out.toString());
        assertThat(again.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(again.err()).contains("already exists");
        Result unknown = run("audit", "public-key", "--home", home.toString(), "--out", tmp.resolve("x.pem").toString(), "--key-id", "audit-signer/v9");
        assertThat(unknown.err()).contains("lists no signing key 'audit-signer/v9'", "audit-signer/v1");
    }

    @Test
    void exportThenVerifyTheFileWithThePublicKeyAlone() throws Exception {
        Path file = tmp.resolve("audit.jsonl");
        Result e = run("audit", "export", "--out", file.toString(), "--home", home.toString());
        assertThat(e.exit()).as(e.err()).isEqualTo(Hsmc.EXIT_OK);
        assertThat(e.out()).contains("8 entries, 1 signed checkpoints, 1 signer", "Head:        " + head.text(),
                "'audit-signer/v1', public key SHA-256 " + SignerKeys.fingerprint(signer.pair.getPublic()));

        // the console's home is gone: the auditor has the file and the PEM
        Files.delete(ConsoleHome.store(home));
        Result v = run("audit", "verify-file", file.toString(), "--public-key", pem.toString(), "--expected-head", head.text());
        assertThat(v.exit()).as(v.out() + v.err()).isEqualTo(Hsmc.EXIT_OK);
        assertThat(v.out()).contains("Result:      INTACT", "with the public key you trust",
                "Trusted key: SHA-256 " + SignerKeys.fingerprint(signer.pair.getPublic()));

        Result again = run("audit", "export", "--out", file.toString(), "--home", home.toString());
        assertThat(again.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
    }

    @Test
    void anExportIsNeverOverwritten() throws Exception {
        Path file = export();
        String before = Files.readString(file);
        Result r = run("audit", "export", "--out", file.toString(), "--home", home.toString());
        assertThat(r.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(r.err()).contains("already exists");
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void anEditedFileNamesTheEntry() throws Exception {
        Path file = export();
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        // header, signer, checkpoint, then entry 1 …: entry 3 is line index 5
        lines.set(5, lines.get(5).replace("card-03", "card-99"));
        Files.write(file, lines);
        Result r = run("audit", "verify-file", file.toString(), "--public-key", pem.toString());
        assertThat(r.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(r.out()).contains("NOT INTACT: CHANGED at entry 3", "Entry 3 was changed");
        assertThat(r.err()).contains("does not verify (CHANGED at entry 3)");

        Result json = run("audit", "verify-file", file.toString(), "--json");
        assertThat(json.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(json.out()).contains("\"intact\":false", "\"damage\":\"CHANGED\"", "\"first_bad_seq\":3");
    }

    @Test
    void aCutTailShowsWithTheExpectedHead() throws Exception {
        Path file = export();
        List<String> lines = Files.readAllLines(file);
        Files.write(file, lines.subList(0, lines.size() - 1));
        assertThat(run("audit", "verify-file", file.toString(), "--public-key", pem.toString()).exit()).isEqualTo(Hsmc.EXIT_OK);
        Result r = run("audit", "verify-file", file.toString(), "--public-key", pem.toString(), "--expected-head", head.text());
        assertThat(r.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(r.out()).contains("TRUNCATED at entry 8", "The log ends at entry 7");
    }

    @Test
    void anotherKeyThanTheTrustedOneIsRefused() throws Exception {
        Path file = export();
        Path otherPem = Files.writeString(tmp.resolve("other.pem"), SignerKeys.toPem(new SoftwareSigner().pair.getPublic()));
        Result r = run("audit", "verify-file", file.toString(), "--public-key", otherPem.toString());
        assertThat(r.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(r.out()).contains("UNKNOWN_SIGNER at entry 7", "not by the public key you trust");
    }

    @Test
    void aTamperedStoreFailsVerify() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ConsoleHome.store(home));
             Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER audit_entry_no_delete");
            st.execute("DELETE FROM audit_entry WHERE seq = 2");
        }
        Result r = run("audit", "verify", "--home", home.toString());
        assertThat(r.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(r.out()).contains("NOT INTACT: DELETED at entry 2", "Entry 2 is missing");
    }

    @Test
    void refusalsAndWrongCommandLines() throws Exception {
        Result noStore = run("audit", "verify", "--home", tmp.resolve("nowhere").toString());
        assertThat(noStore.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(noStore.err()).contains("There is no console store at").contains("--home");
        assertThat(tmp.resolve("nowhere")).doesNotExist();

        Path file = export();
        Result badHead = run("audit", "verify-file", file.toString(), "--expected-head", "42");
        assertThat(badHead.exit()).isEqualTo(Hsmc.EXIT_USAGE);
        assertThat(badHead.err()).contains("not an audit head");

        Result notPem = run("audit", "verify-file", file.toString(), "--public-key", file.toString());
        assertThat(notPem.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(notPem.err()).contains("does not hold the audit public key");

        Result notExport = run("audit", "verify-file", pem.toString());
        assertThat(notExport.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(notExport.err()).contains("not an audit export");

        Result missing = run("audit", "verify-file", tmp.resolve("missing.jsonl").toString());
        assertThat(missing.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(missing.err()).contains("There is no file");

        assertThat(run("audit").exit()).isEqualTo(Hsmc.EXIT_USAGE);
        assertThat(run("audit", "export", "--home", home.toString()).exit()).isEqualTo(Hsmc.EXIT_USAGE);
    }
}
