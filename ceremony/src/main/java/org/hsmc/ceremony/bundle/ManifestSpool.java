package org.hsmc.ceremony.bundle;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The key objects of one bundle's manifest, written to a temporary file as their chunks are translated, so that a bundle
 * of any size is made without holding its keys: the canonical JSON of each key (as {@link BundleManifest#keyObjects}),
 * commas between them, and, kept on the side, the count, the running SHA-256 of the wrapped keys
 * ({@code wrapped_keys_sha256}) and the earliest end of validity. The file holds only keys wrapped under the zone's key,
 * as the bundle itself does; it is deleted when the bundle is made (or the work dropped).
 */
final class ManifestSpool implements AutoCloseable {

    private final Path file;
    private final OutputStream out;
    private final MessageDigest wrappedDigest = BundleManifest.sha256();
    private final Map<Instant, String> times = new HashMap<>();
    private long bytes;
    private int count;
    private Instant earliestEnd;
    private boolean finished;
    private String wrappedSha256;

    ManifestSpool() {
        try {
            file = Files.createTempFile("hsmc-bundle-", ".keys.json");
            out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException("A temporary file for the bundle's keys could not be made: " + e.getMessage(), e);
        }
    }

    /** Appends a chunk of keys, in manifest order. */
    void append(List<BundleManifest.Key> keys) {
        if (keys.isEmpty()) {
            return;
        }
        if (finished) {
            throw new IllegalStateException("the spool is finished");
        }
        byte[] json = BundleManifest.keyObjects(keys, times);
        try {
            if (count > 0) {
                out.write(',');
                bytes++;
            }
            out.write(json);
            bytes += json.length;
        } catch (IOException e) {
            throw new UncheckedIOException("The bundle's keys could not be written to " + file + ": " + e.getMessage(), e);
        }
        for (BundleManifest.Key k : keys) {
            wrappedDigest.update(k.wrappedNoCopy());
            if (earliestEnd == null || k.validUntil().isBefore(earliestEnd)) {
                earliestEnd = k.validUntil();
            }
        }
        count += keys.size();
    }

    /** No more keys: flushes the file. */
    void finish() {
        if (finished) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("The bundle's keys could not be written to " + file + ": " + e.getMessage(), e);
        }
        wrappedSha256 = HexFormat.of().formatHex(wrappedDigest.digest());
        finished = true;
    }

    int count() {
        return count;
    }

    /** The length of the key objects in bytes. */
    long length() {
        return bytes;
    }

    /** The earliest {@code valid_until} of the keys, or null when there is none. */
    Instant earliestEnd() {
        return earliestEnd;
    }

    /** {@code wrapped_keys_sha256}, once {@link #finish finished}. */
    String wrappedKeysSha256() {
        if (!finished) {
            throw new IllegalStateException("the spool is not finished");
        }
        return wrappedSha256;
    }

    /** The key objects, from the start. */
    InputStream open() {
        if (!finished) {
            throw new IllegalStateException("the spool is not finished");
        }
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException("The bundle's keys could not be read back from " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            // the file goes anyway
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }
}
