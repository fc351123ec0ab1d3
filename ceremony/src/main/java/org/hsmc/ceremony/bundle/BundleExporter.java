package org.hsmc.ceremony.bundle;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.keys.KeyException;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.Zone;
import org.hsmc.ceremony.keys.ZoneKey;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.SecretKeyType;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.WrapMechanism;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Exports one zone's bundle (docs/bundle-format.md), on an HSM the quorum has opened:
 *
 * <ol>
 *   <li>translate the zone's active working keys (and those still valid in an overlap window) from the LMK
 *       to the zone's key inside the HSM: under a ZMK each is unwrapped as a session object, wrapped with
 *       AES-KWP and destroyed ({@link Session#translate}); to a transport key, wrapped with RSA-OAEP-SHA256;</li>
 *   <li>build the canonical JSON manifest with the zone's next sequence number and its previous bundle's SHA-256;</li>
 *   <li>sign it in the HSM with the bundle signing key (CMS, ECDSA-SHA384) and verify the signature just made;</li>
 *   <li>record it in the store (with its bytes), then write it and its SHA-256 to the directory, never overwriting
 *       a file, then record that in the store and the audit log.</li>
 * </ol>
 *
 * <p>Safe to repeat for the same run and zone: a bundle the run already signed is not signed again; its
 * stored bytes are written where they are missing (a file already there with the same bytes is fine).
 */
public final class BundleExporter {

    /** Progress inside one bundle: keys translated so far. */
    @FunctionalInterface
    public interface Progress {
        void keys(String zone, int done, int total);
    }

    /** Keys translated between two progress reports. */
    static final int PROGRESS_EVERY = 1000;

    /**
     * A bundle on the medium.
     *
     * @param record  as the store keeps it
     * @param file    the bundle file
     * @param earlier true when an earlier attempt of the same run had signed it already
     */
    public record Exported(BundleRecord record, Path file, boolean earlier) {
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final KeyHierarchy keys;
    private int sessions = DEFAULT_SESSIONS;

    /** HSM sessions that translate one zone's keys side by side, unless set otherwise (ADR 14: no harm on SoftHSM2). */
    public static final int DEFAULT_SESSIONS = 2;
    /** Keys read from the store, translated and written to the manifest at a time. */
    static final int CHUNK = 1000;

    public BundleExporter(Store store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.keys = new KeyHierarchy(store, audit, clock);
    }

    /**
     * How many HSM sessions translate a zone's keys side by side (1 to 16): chunks of {@value #CHUNK} keys go to the
     * sessions in turn and are written to the manifest in order. SoftHSM2 serialises its token, so more than one gains
     * nothing there; an HSM that works on several requests at once gains.
     */
    public BundleExporter sessions(int n) {
        if (n < 1 || n > 16) {
            throw new IllegalArgumentException("HSM sessions for the export: " + n + "; use 1 to 16");
        }
        this.sessions = n;
        return this;
    }

    /** {@code <zone>-<sequence, 6 digits or more>.p7m}. */
    public static String fileName(String zone, long sequence) {
        return zone + "-" + String.format(Locale.ROOT, "%06d", sequence) + ".p7m";
    }

    /** Where {@code .sha256} of a bundle file goes: beside it, {@code <file>.sha256}, in {@code sha256sum} form. */
    public static String sha256FileName(String bundleFileName) {
        return bundleFileName + ".sha256";
    }

    /**
     * Exports (or finishes exporting) the bundle of {@code zone} for run {@code runId}, valid for
     * {@code validity} from when it is signed, into {@code directory}.
     */
    public Exported export(Session hsm, String zone, Duration validity, Path directory, String runId, Progress progress) {
        Optional<Exported> earlier = resume(zone, runId);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        return finish(hsm, prepare(hsm, zone, progress), validity, directory, runId);
    }

    /**
     * When run {@code runId} has signed the zone's bundle already: writes its stored bytes where they are missing,
     * records that, and returns it. Empty when the run has not signed one yet.
     */
    public Optional<Exported> resume(String zone, String runId) {
        Optional<BundleRecord> earlier = store.read(c -> BundleRecords.ofRun(c, runId, zone));
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        BundleRecord r = earlier.get();
        byte[] der = store.read(c -> BundleRecords.der(c, zone, r.sequence()));
        Path file = writeFiles(Path.of(r.directory()), r.fileName(), der, r.sha256());
        return Optional.of(new Exported(recordWritten(r), file, true));
    }

    /** Whether run {@code runId} has signed a bundle of {@code zone}. */
    public boolean signedBy(String zone, String runId) {
        return store.read(c -> BundleRecords.ofRun(c, runId, zone)).isPresent();
    }

    /**
     * The zone's keys, translated to the zone's key in the HSM and ready to be signed. Changes nothing (the
     * transient copies are destroyed), so it may run ahead on another session ({@link ExportPipeline}).
     */
    public Prepared prepare(Session hsm, String zone, Progress progress) {
        Instant at = clock.instant();
        Snapshot s = store.read(c -> snapshot(c, zone, at));
        ManifestSpool spool = new ManifestSpool();
        try {
            translate(hsm, s, at, spool, progress);
            spool.finish();
            return new Prepared(s, spool);
        } catch (RuntimeException | Error e) {
            spool.close();
            throw e;
        }
    }

    /**
     * A zone's translated keys (in a temporary file, {@link ManifestSpool}), and what the store said when they were read.
     * Closing it deletes the file; {@link #finish} closes it.
     */
    public static final class Prepared implements AutoCloseable {
        private final Snapshot snapshot;
        private final ManifestSpool spool;

        private Prepared(Snapshot snapshot, ManifestSpool spool) {
            this.snapshot = snapshot;
            this.spool = spool;
        }

        public String zone() {
            return snapshot.zone().id();
        }

        public int keyCount() {
            return spool.count();
        }

        @Override
        public void close() {
            spool.close();
        }
    }

    /**
     * Signs the prepared keys as the zone's next bundle, records it, writes it and its .sha256 into
     * {@code directory}, and records that.
     */
    public Exported finish(Session hsm, Prepared prepared, Duration validity, Path directory, String runId) {
        try (prepared) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            Instant earliest = prepared.spool.earliestEnd();
            if (earliest != null && !earliest.isAfter(now)) {
                // a key expired since it was read: it is left out, so the zone is read and translated again
                try (Prepared again = prepare(hsm, prepared.zone(), (z, d, t) -> { })) {
                    return sign(hsm, again, validity, directory, runId);
                }
            }
            return sign(hsm, prepared, validity, directory, runId);
        }
    }

    private Exported sign(Session hsm, Prepared prepared, Duration validity, Path directory, String runId) {
        Path dir = prepareDirectory(directory);
        Snapshot s = prepared.snapshot;
        ManifestSpool spool = prepared.spool;
        String zone = s.zone().id();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        X509Certificate cert = certificate(s.certificate().der());
        KeyPairHandles signer = signingKey(hsm, s.certificate().keyId(), cert);
        Optional<BundleRecord> latest = store.read(c -> BundleRecords.latest(c, zone));
        long sequence = latest.map(b -> b.sequence() + 1).orElse(1L);
        String previous = latest.map(BundleRecord::sha256).orElse(null);
        if ((sequence == 1) != (previous == null)) {
            throw new IllegalStateException("the first bundle of a zone, and only it, has no previous bundle");
        }
        Instant expires = now.plus(validity);
        byte[] head = BundleManifest.head(runId, now, expires);
        byte[] tail = BundleManifest.tail(previous, s.revocations(), sequence, spool.wrappedKeysSha256(), zone, s.zone().status());
        StreamedBundle bundle = StreamedBundle.sign(StreamedBundle.of(head, spool, tail), head.length + spool.length() + tail.length,
                cert, new ConsoleCertificate.HsmSigner(hsm, signer), now);
        if (bundle.length() > Integer.MAX_VALUE - 64) {
            throw new KeyException("The bundle of zone " + zone + " would be " + bundle.length() + " bytes, more than one bundle"
                    + " can hold; nothing was exported for it.");
        }
        // the DER bytes once, for the store (which keeps every bundle's exact bytes) and the SHA-256 of the file
        byte[] der = new byte[(int) bundle.length()];
        bundle.writeTo(new java.io.OutputStream() {
            private int at;

            @Override
            public void write(int b) {
                der[at++] = (byte) b;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                System.arraycopy(b, off, der, at, len);
                at += len;
            }
        });
        String sha256 = HexFormat.of().formatHex(BundleManifest.sha256().digest(der));

        BundleRecord record = new BundleRecord(zone, sequence, sha256, previous, now, expires,
                spool.count(), s.revocations().size(), spool.count() == 0 ? null : s.zoneKey().id(), s.certificate().keyId(),
                fileName(zone, sequence), dir.toString(), runId, null);
        store.write(c -> {
            long last = BundleRecords.latest(c, zone).map(BundleRecord::sequence).orElse(0L);
            if (last != sequence - 1) {
                throw new KeyException("Another bundle of zone " + zone + " (sequence " + last + ") was recorded while this one"
                        + " was being made; nothing of this one was kept. Run the step again.");
            }
            if (BundleRecords.ofRun(c, runId, zone).isPresent()) {
                throw new KeyException("This run has signed a bundle of zone " + zone + " already; it signs one per zone.");
            }
            BundleRecords.insert(c, record, der);
            return null;
        });
        Path file = writeFiles(dir, record.fileName(), der, sha256);
        return new Exported(recordWritten(record), file, false);
    }

    /** What the store says about the zone, read in one transaction; its keys are read page by page when translated. */
    private record Snapshot(Zone zone, ZoneKey zoneKey, BundleRecords.ExportablePage firstPage,
                            List<BundleManifest.Revocation> revocations, BundleRecords.StoredCertificate certificate) {
    }

    private static Snapshot snapshot(java.sql.Connection c, String zoneId, Instant now) throws java.sql.SQLException {
        Zone zone = KeyRecords.zone(c, zoneId).orElseThrow(() -> new KeyException("There is no zone '" + zoneId + "'."));
        boolean revoked = !"ACTIVE".equals(zone.status());
        BundleRecords.ExportablePage first = revoked ? new BundleRecords.ExportablePage(List.of(), null, 0, false)
                : BundleRecords.exportableKeys(c, zoneId, now, null, CHUNK);
        ZoneKey zk = KeyRecords.activeZoneKey(c, zoneId).orElse(null);
        if (!first.keys().isEmpty() && zk == null) {
            throw new KeyException("The zone '" + zoneId + "' has active keys but no zone master key or"
                    + " transport key to wrap them under; nothing was exported for it.");
        }
        BundleRecords.StoredCertificate cert = BundleRecords.consoleCertificate(c).orElseThrow(() -> new KeyException(
                "This console has no console certificate (initialize makes it); bundles cannot be signed."));
        return new Snapshot(zone, zk, first, BundleRecords.revocations(c, zoneId), cert);
    }

    /**
     * Translates the zone's keys page by page ({@value #CHUNK} keys a page, read from the store by (purpose, version) after
     * the last one) and writes each page to the spool in order. With more than one session, pages go to the sessions in
     * turn on threads of their own while this thread reads the next pages and writes the finished ones.
     */
    private void translate(Session hsm, Snapshot s, Instant at, ManifestSpool spool, Progress progress) {
        if (s.firstPage().keys().isEmpty() && !s.firstPage().more()) {
            return;
        }
        String zoneId = s.zone().id();
        int total = store.read(c -> BundleRecords.countExportableKeys(c, zoneId, at));
        KeyHierarchy.ActiveLmk lmk = keys.activeMasterKey(hsm);
        ZoneKey zk = s.zoneKey();
        boolean zmk = zk.kind() == ZoneKey.Kind.ZMK;
        WrapMechanism mechanism = zmk ? WrapMechanism.AES_KWP : WrapMechanism.RSA_OAEP_SHA256;
        String mechanismName = zmk ? BundleManifest.AES_KWP : BundleManifest.RSA_OAEP_SHA256;
        KeyHandle target = zmk ? unwrapZmk(hsm, lmk, zk) : hsm.importPublicKey(transportKey(zk), "", false, KeyUsage.WRAP);
        // the LMK as a session object for this zone's translations: the same key, never out of the HSM, destroyed
        // below; SoftHSM2 uses it ~1.5x as fast as the private token object (ADR 7). Tokens that do not copy: the LMK.
        // Session objects belong to the application, so every session of the pool uses the same copy and ZMK.
        Optional<KeyHandle> lmkCopy = hsm.sessionCopy(lmk.handle(), "");
        KeyHandle from = lmkCopy.orElse(lmk.handle());
        TranslationPool.PageTranslator translator = page -> {
            List<BundleManifest.Key> out = new ArrayList<>(page.keys().size());
            for (BundleRecords.ExportableKey w : page.keys()) {
                byte[] wrapped = page.session().translate(from, w.wrapped(), SecretKeyType.AES, mechanism, target);
                out.add(new BundleManifest.Key(w.id(), w.purpose(), w.algorithm(), w.version(), w.validFrom(), w.validUntil(),
                        w.kcv(), zk.id(), zk.kcv(), mechanismName, wrapped));
            }
            return out;
        };
        try (TranslationPool pool = new TranslationPool(hsm, sessions, translator)) {
            BundleRecords.ExportablePage page = s.firstPage();
            int done = 0;
            while (true) {
                for (BundleRecords.ExportableKey w : page.keys()) {
                    if (w.lmkVersion() != lmk.record().version()) {
                        throw new KeyException("The key " + w.id() + " is stored under LMK version " + w.lmkVersion()
                                + ", not the active " + lmk.record().label() + "; finish the LMK rotation first. Nothing was"
                                + " exported for zone " + zoneId + ".");
                    }
                }
                if (!page.keys().isEmpty()) {
                    for (List<BundleManifest.Key> finished : pool.submit(page.keys())) {
                        spool.append(finished);
                        done += finished.size();
                        report(progress, zoneId, done, total);
                    }
                }
                if (!page.more()) {
                    break;
                }
                BundleRecords.ExportablePage last = page;
                page = store.read(c -> BundleRecords.exportableKeys(c, zoneId, at, last, CHUNK));
            }
            for (List<BundleManifest.Key> finished : pool.drain()) {
                spool.append(finished);
                done += finished.size();
                report(progress, zoneId, done, total);
            }
        } finally {
            hsm.destroy(target);
            lmkCopy.ifPresent(hsm::destroy);
        }
    }

    private static void report(Progress progress, String zone, int done, int total) {
        int shownTotal = Math.max(done, total);
        if (done % PROGRESS_EVERY == 0 || done == shownTotal) {
            progress.keys(zone, done, shownTotal);
        }
    }

    /** The ZMK as a session object that may wrap and CMAC (for its KCV), never be extracted. */
    private static KeyHandle unwrapZmk(Session hsm, KeyHierarchy.ActiveLmk lmk, ZoneKey zk) {
        if (zk.lmkVersion() == null || zk.lmkVersion() != lmk.record().version()) {
            throw new KeyException("The zone key " + zk.id() + " is stored under LMK version " + zk.lmkVersion() + ", not the active "
                    + lmk.record().label() + "; finish the LMK rotation first.");
        }
        KeyTemplate t = KeyTemplate.aes(32).token(false).sensitive(true).extractable(false)
                .usages(KeyUsage.WRAP, KeyUsage.SIGN).build();
        KeyHandle h = hsm.unwrap(WrapMechanism.AES_KWP, lmk.handle(), zk.wrapped(), t);
        String kcv = hsm.kcv(h).hex();
        if (!kcv.equals(zk.kcv())) {
            hsm.destroy(h);
            throw new KeyException("The zone master key " + zk.id() + " unwraps with KCV " + kcv + ", not its recorded " + zk.kcv()
                    + ". Nothing was exported for zone " + zk.zone() + "; verify the store and the HSM.");
        }
        return h;
    }

    private static PublicKey transportKey(ZoneKey zk) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(zk.transportPublic()));
        } catch (java.security.GeneralSecurityException e) {
            throw new KeyException("The transport key " + zk.id() + " in the store is not an RSA public key.", e);
        }
    }

    private static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new KeyException("The console certificate in the store cannot be read: " + e.getMessage(), e);
        }
    }

    /** The bundle signing key pair in the HSM, checked to be the key of the console certificate. */
    private static KeyPairHandles signingKey(Session hsm, String label, X509Certificate cert) {
        List<KeyHandle> priv = hsm.findKeys(KeyHandle.KeyClass.PRIVATE, label);
        List<KeyHandle> pub = hsm.findKeys(KeyHandle.KeyClass.PUBLIC, label);
        if (priv.size() != 1 || pub.size() != 1) {
            throw new KeyException("The HSM holds " + priv.size() + " private and " + pub.size() + " public key(s) labelled '" + label
                    + "' where one key pair is expected. This HSM does not hold this console's bundle signing key.");
        }
        if (!Arrays.equals(hsm.publicKey(pub.getFirst()).getEncoded(), cert.getPublicKey().getEncoded())) {
            throw new KeyException("The key pair '" + label + "' in the HSM is not the key of the console certificate; bundles"
                    + " signed with it would not verify at the nodes. Nothing was exported.");
        }
        return new KeyPairHandles(pub.getFirst(), priv.getFirst());
    }

    /**
     * The output directory, created if it is missing but its parent exists (so that an unmounted medium is
     * noticed rather than replaced by a folder on the console's own disk).
     */
    static Path prepareDirectory(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        if (Files.isDirectory(dir)) {
            return dir;
        }
        if (Files.exists(dir)) {
            throw new KeyException("The output directory " + dir + " is a file, not a directory. Nothing was exported.");
        }
        Path parent = dir.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new KeyException("The output directory " + dir + " does not exist, nor does " + parent + ". Is the medium"
                    + " mounted? Nothing was exported.");
        }
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            // made meanwhile: fine if it is a directory
        } catch (IOException e) {
            throw new KeyException("The output directory " + dir + " cannot be created: " + e.getMessage(), e);
        }
        return dir;
    }

    /** Writes the bundle and its .sha256, never overwriting; a file already there with the same bytes is fine. */
    private static Path writeFiles(Path dir, String name, byte[] der, String sha256) {
        Path file = dir.resolve(name);
        writeNew(file, der);
        writeNew(dir.resolve(sha256FileName(name)), (sha256 + "  " + name + "\n").getBytes(StandardCharsets.US_ASCII));
        syncDirectory(dir);
        return file;
    }

    private static void writeNew(Path file, byte[] bytes) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (FileAlreadyExistsException e) {
            byte[] there;
            try {
                there = Files.readAllBytes(file);
            } catch (IOException r) {
                throw new KeyException("The file " + file + " already exists and cannot be read; the console never overwrites a"
                        + " file. Move it away, then resume the run.", r);
            }
            if (!Arrays.equals(there, bytes)) {
                String why = there.length < bytes.length && Arrays.equals(there, 0, there.length, bytes, 0, there.length)
                        ? "holds only the first " + there.length + " of its " + bytes.length + " bytes (an interrupted write?)"
                        : "is not this bundle's";
                throw new KeyException("The file " + file + " already exists and " + why + "; the console never overwrites a file."
                        + " Move it away, then resume the run: the bundle is kept in the store and is written again.");
            }
        } catch (IOException e) {
            throw new KeyException("The file " + file + " could not be written: " + e.getMessage() + ". The bundle is kept in the"
                    + " store; fix the medium and resume the run to write it.", e);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can sync a directory (Windows); the files themselves were forced
        }
    }

    /** Records that the files are on the medium, with the audit entry, once. */
    private BundleRecord recordWritten(BundleRecord r) {
        if (r.writtenAt() != null) {
            return r;
        }
        Instant at = clock.instant();
        store.write(c -> {
            BundleRecords.markWritten(c, r.zone(), r.sequence(), at);
            Map<String, String> d = new TreeMap<>();
            d.put("zone", r.zone());
            d.put("sequence", Long.toString(r.sequence()));
            d.put("sha256", r.sha256());
            d.put("previous_sha256", r.previousSha256() == null ? "none" : r.previousSha256());
            d.put("file", r.fileName());
            d.put("directory", r.directory());
            d.put("keys", Integer.toString(r.keyCount()));
            d.put("revocations", Integer.toString(r.revocationCount()));
            d.put("wrapping_key", r.wrappingKeyId() == null ? "none" : r.wrappingKeyId());
            d.put("signer", r.signerKeyId());
            d.put("expires_at", r.expiresAt().toString());
            d.put("run", r.runId());
            audit.append(c, new AuditEvent(AuditLog.CONSOLE, "bundle.exported", Outcome.DONE, d));
            return null;
        });
        return new BundleRecord(r.zone(), r.sequence(), r.sha256(), r.previousSha256(), r.createdAt(), r.expiresAt(), r.keyCount(),
                r.revocationCount(), r.wrappingKeyId(), r.signerKeyId(), r.fileName(), r.directory(), r.runId(), at);
    }
}
