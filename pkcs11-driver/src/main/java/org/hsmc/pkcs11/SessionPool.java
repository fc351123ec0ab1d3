package org.hsmc.pkcs11;

import org.xipki.pkcs11.wrapper.PKCS11Exception;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The read-write sessions of one token. A PKCS#11 session runs one operation at a time, so each
 * {@link Session} borrows one exclusively and gives it back on close; threads that find none idle
 * open a new one, up to {@code max}, then wait. The pool keeps its sessions open while the token
 * is in use, because closing a token's last session logs it out.
 */
final class SessionPool {

    /** A pooled session and its native scratch memory. */
    static final class Entry {
        final org.xipki.pkcs11.wrapper.Session session;
        private NativeCalls.Translator aesTranslator;
        private NativeCalls.Translator genericTranslator;

        Entry(org.xipki.pkcs11.wrapper.Session session) {
            this.session = session;
        }

        long handle() {
            return session.getSessionHandle();
        }

        NativeCalls.Translator translator(NativeCalls nativeCalls, SecretKeyType type, long wrapMechanism) {
            if (type == SecretKeyType.AES) {
                if (aesTranslator == null) {
                    aesTranslator = nativeCalls.new Translator(type.ckk, wrapMechanism);
                }
                return aesTranslator;
            }
            if (genericTranslator == null) {
                genericTranslator = nativeCalls.new Translator(type.ckk, wrapMechanism);
            }
            return genericTranslator;
        }

        void close() {
            try {
                session.closeSession();
            } catch (PKCS11Exception ignored) {
                // the token may already be gone; nothing is left to release on our side
            }
            if (aesTranslator != null) {
                aesTranslator.close();
            }
            if (genericTranslator != null) {
                genericTranslator.close();
            }
        }
    }

    private static final long WAIT_SECONDS = 120;

    private final org.xipki.pkcs11.wrapper.Token token;
    private final CallGate gate;
    private final int max;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    private final Deque<Entry> idle = new ArrayDeque<>();
    private int open;
    private boolean closed;

    SessionPool(org.xipki.pkcs11.wrapper.Token token, CallGate gate, int max) {
        this.token = token;
        this.gate = gate;
        this.max = max;
    }

    Entry borrow() {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                if (closed) {
                    throw new IllegalStateException("The token '" + gate.tokenLabel() + "' was closed");
                }
                Entry e = idle.pollFirst();
                if (e != null) {
                    return e;
                }
                if (open < max) {
                    open++;
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new Pkcs11Exception("C_OpenSession", Pkcs11Exception.NO_CKR, "All " + max + " sessions of '"
                            + gate.tokenLabel() + "' stayed busy for " + WAIT_SECONDS + " s. Wait for the running step to end.");
                }
                returned.awaitNanos(left);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a session of '" + gate.tokenLabel() + "'", ie);
        } finally {
            lock.unlock();
        }
        try {
            return new Entry(gate.call("C_OpenSession", "read-write", () -> token.openSession(true)));
        } catch (RuntimeException e) {
            lock.lock();
            try {
                open--;
                returned.signal();
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    void giveBack(Entry e) {
        lock.lock();
        try {
            if (closed) {
                e.close();
                open--;
                return;
            }
            idle.addFirst(e);
            returned.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Drops a session that the token no longer knows (removed token, lost connection). */
    void discard(Entry e) {
        lock.lock();
        try {
            e.close();
            open--;
            returned.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Sessions open now, idle or borrowed. */
    int openCount() {
        lock.lock();
        try {
            return open;
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            while (!idle.isEmpty()) {
                idle.pollFirst().close();
                open--;
            }
            returned.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
