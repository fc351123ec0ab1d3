package org.hsmc.ceremony.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Files that are the officer's alone: the console's home (0700), and the store, backups, exported logs,
 * key component forms and PIN sheets (0600), whatever the umask. The modes are given when a file or
 * folder is created and set again right after, so neither a umask of 022 nor one that removes less
 * leaves them open. On a file system without POSIX permissions (Windows) nothing is changed: there the
 * user's profile folder is private by default.
 */
public final class PrivateFiles {

    /** rwx------ */
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** rw------- */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {
    }

    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Creates {@code dir} and its missing parents; each folder created here is 0700 (existing ones are left as they are). */
    public static Path createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return abs;
        }
        if (!posix()) {
            return Files.createDirectories(abs);
        }
        List<Path> missing = new ArrayList<>();
        for (Path p = abs; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.add(p);
        }
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(DIRECTORY);
        for (int k = missing.size() - 1; k >= 0; k--) {
            Path p = missing.get(k);
            try {
                Files.createDirectory(p, mode);
                Files.setPosixFilePermissions(p, DIRECTORY);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // made meanwhile by someone else: leave it as it is
            }
        }
        return abs;
    }

    /** Creates the new, empty file {@code file} (refusing an existing one), 0600. */
    public static void createFile(Path file) throws IOException {
        if (posix()) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
            Files.setPosixFilePermissions(file, FILE);
        } else {
            Files.createFile(file);
        }
    }

    /** A new file (refusing an existing one), 0600, open for writing. */
    public static FileChannel newChannel(Path file) throws IOException {
        FileChannel ch = posix()
                ? FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(FILE))
                : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        restrict(file);
        return ch;
    }

    /** A new file (refusing an existing one), 0600, as a stream. */
    public static OutputStream newOutputStream(Path file) throws IOException {
        return Channels.newOutputStream(newChannel(file));
    }

    /** Sets an existing file to 0600 (a folder to 0700); nothing when it is missing or the file system has no modes. */
    public static void restrict(Path file) throws IOException {
        if (posix() && Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(file)) {
            Files.setPosixFilePermissions(file, Files.isDirectory(file) ? DIRECTORY : FILE);
        }
    }

    /**
     * What others than the owner may do with {@code path} (read, write, enter), as its mode in octal,
     * e.g. {@code 755}; empty when only the owner may, when it is missing, or without POSIX modes.
     */
    public static Optional<String> openToOthers(Path path) {
        if (!posix() || !Files.exists(path)) {
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(path);
            if (p.stream().noneMatch(OTHERS::contains)) {
                return Optional.empty();
            }
            return Optional.of(octal(p));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The mode of {@code p} in octal, e.g. {@code 600}. */
    public static String octal(Set<PosixFilePermission> p) {
        int mode = 0;
        for (PosixFilePermission x : p) {
            mode |= 1 << (8 - x.ordinal());
        }
        return Integer.toOctalString(mode);
    }

    /** The mode of {@code path} in octal (e.g. {@code 600}); empty without POSIX modes or when it cannot be read. */
    public static Optional<String> mode(Path path) {
        if (!posix()) {
            return Optional.empty();
        }
        try {
            return Optional.of(octal(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
