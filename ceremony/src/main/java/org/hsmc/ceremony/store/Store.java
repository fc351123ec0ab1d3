package org.hsmc.ceremony.store;

import org.flywaydb.core.Flyway;
import org.hsmc.pkcs11.CallingThreadPolicy;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The console's SQLite store: one file in the data directory, WAL journal, synchronous FULL,
 * foreign keys on, schema created and upgraded by Flyway migrations ({@code db/migration}).
 *
 * <p>All access goes through {@link #read} and {@link #write}; a write is one transaction, so writes
 * that belong together (a card and its audit entry) commit or vanish together. One connection,
 * guarded by a lock: SQLite has one writer at a time anyway, and the console's volume is small.
 * Like the driver, the store refuses to run on a forbidden thread (the UI thread).
 */
public final class Store implements AutoCloseable {

    /** Work inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private Store(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating and migrating when needed) the store at {@code file}. */
    public static Store open(Path file) {
        try {
            PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
            if (!Files.exists(file)) {
                PrivateFiles.createFile(file); // 0600 whatever the umask; SQLite takes an empty file as a new database
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.enforceForeignKeys(true);
            config.setBusyTimeout(10_000);
            SQLiteDataSource ds = new SQLiteDataSource(config);
            ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").loggers("slf4j").load().migrate();
            Connection c = ds.getConnection();
            c.setAutoCommit(false);
            return new Store(file, c);
        } catch (SQLException | java.io.IOException e) {
            throw new StoreException("The console's store " + file + " cannot be opened: " + e.getMessage()
                    + ". Check that the data directory is writable and the file is not damaged (see 'hsmc backup').", e);
        } catch (RuntimeException e) {
            throw new StoreException("The console's store " + file + " could not be brought to the current schema: "
                    + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** Runs {@code work} in one transaction and commits it; rolls back on any failure. */
    public <T> T write(Work<T> work) {
        return inTransaction(work, true);
    }

    /** Runs {@code work} on a consistent snapshot, changing nothing. */
    public <T> T read(Work<T> work) {
        return inTransaction(work, false);
    }

    private <T> T inTransaction(Work<T> work, boolean commit) {
        CallingThreadPolicy.check("store access");
        lock.lock();
        try {
            try {
                T result = work.run(connection);
                if (commit) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(e);
                if (e instanceof RuntimeException r) {
                    throw r;
                }
                throw new StoreException("The console's store refused a change: " + e.getMessage()
                        + ". Nothing of this step was written.", e);
            }
        } finally {
            lock.unlock();
        }
    }

    private void rollbackQuietly(Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException r) {
            cause.addSuppressed(r);
        }
    }

    /** {@code PRAGMA integrity_check}: "ok", or what SQLite found. */
    public String integrityCheck() {
        return read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery("PRAGMA integrity_check")) {
                StringBuilder sb = new StringBuilder();
                while (rs.next()) {
                    sb.append(sb.isEmpty() ? "" : "; ").append(rs.getString(1));
                }
                return sb.toString();
            }
        });
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("The console's store did not close cleanly: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
