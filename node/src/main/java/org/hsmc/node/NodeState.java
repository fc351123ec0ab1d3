package org.hsmc.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's anti-rollback memory: per zone, the sequence number and SHA-256 of the last bundle it imported.
 * A small text file the node owns, one line per zone:
 *
 * <pre>
 * # hsmc node anti-rollback state: the last bundle imported per zone. Keep it with the node's token.
 * zone sh-01 sequence 7 sha256 3a7f… imported 2026-11-23T10:15:30Z
 * </pre>
 *
 * <p>It is replaced atomically (written beside, forced to disk, renamed), so a crash leaves the old state or the
 * new one. A file that cannot be read is refused, never taken as empty: losing it would let an older bundle in.
 * A missing file is a node that has imported nothing yet.
 */
public final class NodeState {

    private static final Pattern LINE = Pattern.compile(
            "zone ([a-z0-9-]{1,32}) sequence ([1-9][0-9]{0,15}) sha256 ([0-9a-f]{64}) imported (\\S+)");
    private static final String HEADER = "# hsmc node anti-rollback state: the last bundle imported per zone."
            + " Keep it with the node's token; do not edit.\n";

    /** What the node remembers of a zone. */
    public record Entry(String zone, long sequence, String sha256, Instant importedAt) {
    }

    private final Path file;
    private final Map<String, Entry> zones;

    private NodeState(Path file, Map<String, Entry> zones) {
        this.file = file;
        this.zones = zones;
    }

    /** Reads the state file; a missing file is an empty state. */
    public static NodeState load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new NodeState(file, new TreeMap<>());
        } catch (IOException e) {
            throw new BundleRefusedException(Refusal.STATE_UNUSABLE, "the state file " + file + " cannot be read (" + e.getMessage()
                    + "); restore it from the node's backup. It is never taken as empty, which would let older bundles in", e);
        }
        Map<String, Entry> zones = new TreeMap<>();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            Instant at = null;
            if (m.matches()) {
                try {
                    at = Instant.parse(m.group(4));
                } catch (DateTimeParseException e) {
                    at = null;
                }
            }
            if (at == null || zones.containsKey(m.group(1))) {
                throw new BundleRefusedException(Refusal.STATE_UNUSABLE, "line " + n + " of the state file " + file + " is damaged;"
                        + " restore the file from the node's backup. It is never taken as empty, which would let older bundles in");
            }
            zones.put(m.group(1), new Entry(m.group(1), Long.parseLong(m.group(2)), m.group(3), at));
        }
        return new NodeState(file, zones);
    }

    public Path file() {
        return file;
    }

    /** The last bundle imported for {@code zone}. */
    public Optional<Entry> last(String zone) {
        return Optional.ofNullable(zones.get(zone));
    }

    /** Remembers {@code b} as the last bundle of its zone and replaces the file atomically. */
    void record(VerifiedBundle b, Instant at) {
        Map<String, Entry> next = new TreeMap<>(zones);
        Manifest m = b.manifest();
        next.put(m.zone(), new Entry(m.zone(), m.sequence(), b.sha256(), at));
        StringBuilder text = new StringBuilder(HEADER);
        for (Entry e : next.values()) {
            text.append("zone ").append(e.zone()).append(" sequence ").append(e.sequence()).append(" sha256 ").append(e.sha256())
                    .append(" imported ").append(e.importedAt()).append('\n');
        }
        write(text.toString().getBytes(StandardCharsets.UTF_8));
        zones.clear();
        zones.putAll(next);
    }

    private void write(byte[] bytes) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".new");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException | UnsupportedOperationException e) {
                // not every platform syncs a directory; the file itself was forced
            }
        } catch (IOException e) {
            throw new BundleRefusedException(Refusal.STATE_UNUSABLE, "the state file " + file + " could not be written ("
                    + e.getMessage() + "); the keys were imported, but the node does not remember this bundle yet. Fix the"
                    + " disk and import the bundle again (its keys are found present)", e);
        }
    }
}
