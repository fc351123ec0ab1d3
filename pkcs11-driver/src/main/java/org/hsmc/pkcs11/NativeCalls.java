package org.hsmc.pkcs11;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Direct calls into the PKCS#11 library through the Foreign Function and Memory API, for what the
 * JDK's wrapper cannot do or does too slowly (see docs/decisions/0001-pkcs11-wrapper.md):
 * <ul>
 *   <li>every call that carries a PIN: {@code C_Login}, {@code C_SetPIN}, {@code C_InitPIN}. The JDK
 *       wrapper has no C_SetPIN or C_InitPIN, and its C_Login narrows each char to a byte. Here PINs
 *       are encoded as UTF-8 (CK_UTF8CHAR) into native memory that is zeroed before it is freed;</li>
 *   <li>the translation hot path: C_UnwrapKey, C_WrapKey, C_DestroyObject with pre-built native
 *       structures.</li>
 * </ul>
 * The library is reached through {@code C_GetFunctionList}, as the standard requires; the handle
 * values (sessions, objects) are the same ones the JDK wrapper uses, because both talk to the one
 * copy of the library in this process.
 *
 * <p>Layouts: on Unix, CK_ULONG is 64 bits and structures use natural alignment; on Windows, CK_ULONG
 * is 32 bits and PKCS#11 structures are packed to 1 byte.
 */
final class NativeCalls {

    // Indexes into CK_FUNCTION_LIST (PKCS#11 v2.40), after the CK_VERSION.
    private static final int FN_INITIALIZE = 0;
    private static final int FN_INIT_TOKEN = 9;
    private static final int FN_INIT_PIN = 10;
    private static final int FN_SET_PIN = 11;
    private static final int FN_LOGIN = 18;
    private static final int FN_DESTROY_OBJECT = 22;
    private static final int FN_WRAP_KEY = 60;
    private static final int FN_UNWRAP_KEY = 61;
    private static final int FUNCTION_COUNT = 68;

    static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    /** CK_ULONG. */
    static final ValueLayout ULONG = WINDOWS ? ValueLayout.JAVA_INT_UNALIGNED : ValueLayout.JAVA_LONG;
    static final long ULONG_SIZE = ULONG.byteSize();
    static final AddressLayout PTR = WINDOWS ? ValueLayout.ADDRESS_UNALIGNED : ValueLayout.ADDRESS;
    /** sizeof(CK_ATTRIBUTE) and sizeof(CK_MECHANISM): {type; pointer; length}. */
    static final long TRIPLE_SIZE = WINDOWS ? 16 : 24;
    static final long TRIPLE_PTR_OFFSET = WINDOWS ? 4 : 8;
    static final long TRIPLE_LEN_OFFSET = WINDOWS ? 12 : 16;

    private static final long CKF_OS_LOCKING_OK = 0x2;

    private static final Linker LINKER = Linker.nativeLinker();

    private final MethodHandle initToken;
    private final MethodHandle login;
    private final MethodHandle setPin;
    private final MethodHandle initPin;
    private final MethodHandle destroyObject;
    private final MethodHandle wrapKey;
    private final MethodHandle unwrapKey;

    private NativeCalls(MemorySegment functionList) {
        long base = WINDOWS ? 2 : 8; // CK_VERSION (2 bytes), then pointers
        MemorySegment fl = functionList.reinterpret(base + (long) FUNCTION_COUNT * PTR.byteSize());
        MemoryLayout u = ULONG;
        login = handle(fl, base, FN_LOGIN, FunctionDescriptor.of(u, u, u, PTR, u));
        initToken = handle(fl, base, FN_INIT_TOKEN, FunctionDescriptor.of(u, u, PTR, u, PTR));
        setPin = handle(fl, base, FN_SET_PIN, FunctionDescriptor.of(u, u, PTR, u, PTR, u));
        initPin = handle(fl, base, FN_INIT_PIN, FunctionDescriptor.of(u, u, PTR, u));
        destroyObject = handle(fl, base, FN_DESTROY_OBJECT, FunctionDescriptor.of(u, u, u));
        wrapKey = handle(fl, base, FN_WRAP_KEY, FunctionDescriptor.of(u, u, PTR, u, u, PTR, PTR));
        unwrapKey = handle(fl, base, FN_UNWRAP_KEY, FunctionDescriptor.of(u, u, PTR, u, PTR, u, PTR, u, PTR));
    }

    private static MethodHandle handle(MemorySegment fl, long base, int index, FunctionDescriptor fd) {
        MemorySegment fn = fl.get(PTR, base + index * PTR.byteSize());
        if (fn.equals(MemorySegment.NULL)) {
            return null;
        }
        return LINKER.downcallHandle(fn, fd);
    }

    /** Opens the library (the same copy the JDK wrapper loaded) and reads its function list. */
    static NativeCalls load(Path library) {
        SymbolLookup lookup = SymbolLookup.libraryLookup(library, Arena.global());
        MemorySegment getFunctionList = lookup.find("C_GetFunctionList")
                .orElseThrow(() -> new IllegalStateException(library + " has no C_GetFunctionList"));
        MethodHandle gfl = LINKER.downcallHandle(getFunctionList, FunctionDescriptor.of(ULONG, PTR));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pp = arena.allocate(PTR);
            long rv = toLong(gfl.invoke(pp));
            if (rv != Ckr.OK) {
                throw new IllegalStateException("C_GetFunctionList returned " + Ckr.name(rv));
            }
            return new NativeCalls(pp.get(PTR, 0));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("C_GetFunctionList failed", t);
        }
    }

    /**
     * C_Initialize with {@code CK_C_INITIALIZE_ARGS}: no mutex callbacks, CKF_OS_LOCKING_OK, and
     * {@code args} as a NUL-terminated string in the field the standard calls {@code pReserved} (NSS
     * calls it {@code LibraryParameters}). Returns the CKR code. The string stays in memory for the
     * life of the process (libraries may keep the pointer); it never holds a secret.
     */
    static long initialize(Path library, String args) {
        SymbolLookup lookup = SymbolLookup.libraryLookup(library, Arena.global());
        MemorySegment getFunctionList = lookup.find("C_GetFunctionList")
                .orElseThrow(() -> new IllegalStateException(library + " has no C_GetFunctionList"));
        MethodHandle gfl = LINKER.downcallHandle(getFunctionList, FunctionDescriptor.of(ULONG, PTR));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pp = arena.allocate(PTR);
            long rv = toLong(gfl.invoke(pp));
            if (rv != Ckr.OK) {
                return rv;
            }
            long base = WINDOWS ? 2 : 8;
            MemorySegment fl = pp.get(PTR, 0).reinterpret(base + (long) FUNCTION_COUNT * PTR.byteSize());
            MethodHandle init = handle(fl, base, FN_INITIALIZE, FunctionDescriptor.of(ULONG, PTR));
            // four callback pointers, CK_FLAGS, pReserved; and one more null pointer for NSS's longer struct
            long ptr = PTR.byteSize();
            long flagsOffset = 4 * ptr;
            long reservedOffset = WINDOWS ? flagsOffset + ULONG_SIZE : flagsOffset + 8;
            MemorySegment initArgs = Arena.global().allocate(reservedOffset + 2 * ptr, 8);
            setUlong(initArgs, flagsOffset, CKF_OS_LOCKING_OK);
            initArgs.set(PTR, reservedOffset, Arena.global().allocateFrom(args, StandardCharsets.UTF_8));
            return toLong(init.invoke(initArgs));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("C_Initialize failed", t);
        }
    }

    /**
     * C_InitToken: wipes the token in {@code slot} and gives it {@code label} (32 bytes, blank-padded;
     * tokens that keep their own label ignore it). Returns the CKR code.
     */
    long initToken(long slot, char[] soPin, String label) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = pinSegment(arena, soPin);
            byte[] l = new byte[32];
            Arrays.fill(l, (byte) ' ');
            byte[] lb = label.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(lb, 0, l, 0, Math.min(lb.length, 32));
            MemorySegment ls = arena.allocateFrom(ValueLayout.JAVA_BYTE, l);
            try {
                return toLong(initToken.invoke(ulong(slot), p, ulong(p.byteSize()), ls));
            } finally {
                p.fill((byte) 0);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** C_Login; returns the CKR code. */
    long login(long session, long userType, char[] pin) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = pinSegment(arena, pin);
            try {
                return toLong(login.invoke(ulong(session), ulong(userType), p, ulong(p.byteSize())));
            } finally {
                p.fill((byte) 0);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** C_SetPIN; returns the CKR code. */
    long setPin(long session, char[] oldPin, char[] newPin) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment o = pinSegment(arena, oldPin);
            MemorySegment n = pinSegment(arena, newPin);
            try {
                return toLong(setPin.invoke(ulong(session), o, ulong(o.byteSize()), n, ulong(n.byteSize())));
            } finally {
                o.fill((byte) 0);
                n.fill((byte) 0);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** C_InitPIN (the security officer sets the user PIN); returns the CKR code. */
    long initPin(long session, char[] pin) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = pinSegment(arena, pin);
            try {
                return toLong(initPin.invoke(ulong(session), p, ulong(p.byteSize())));
            } finally {
                p.fill((byte) 0);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * UTF-8 bytes of the PIN in native memory. The intermediate heap buffer is wiped here; the
     * caller wipes the native segment. A zero-length PIN gets a 1-byte segment of length 0 semantics
     * (callers pass byteSize, so it is reported as the real length).
     */
    private static MemorySegment pinSegment(Arena arena, char[] pin) throws CharacterCodingException {
        ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(pin));
        try {
            int len = bytes.remaining();
            MemorySegment seg = arena.allocate(Math.max(len, 1)).asSlice(0, len);
            MemorySegment.copy(bytes.array(), bytes.arrayOffset() + bytes.position(), seg, ValueLayout.JAVA_BYTE, 0, len);
            return seg;
        } finally {
            Arrays.fill(bytes.array(), (byte) 0);
        }
    }

    /** Scratch native memory for translations, one per pooled session (single-threaded use). */
    final class Translator implements AutoCloseable {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment mechanism = arena.allocate(TRIPLE_SIZE, 8);
        private final MemorySegment template;
        private final int templateCount;
        private MemorySegment input = arena.allocate(512);
        private MemorySegment output = arena.allocate(1024);
        private final MemorySegment outLen = arena.allocate(8, 8);
        private final MemorySegment handleOut = arena.allocate(8, 8);

        /** The template for the transient session copy: {attribute type, value} pairs. */
        Translator(long keyType, long wrapMechanism) {
            long[][] longAttrs = {{Attr.CLASS, Attr.CKO_SECRET_KEY}, {Attr.KEY_TYPE, keyType}};
            long[] trueAttrs = {Attr.PRIVATE, Attr.SENSITIVE, Attr.EXTRACTABLE};
            long[] falseAttrs = {Attr.TOKEN, Attr.ENCRYPT, Attr.DECRYPT, Attr.SIGN, Attr.VERIFY, Attr.WRAP, Attr.UNWRAP, Attr.DERIVE};
            templateCount = longAttrs.length + trueAttrs.length + falseAttrs.length;
            template = arena.allocate(TRIPLE_SIZE * templateCount, 8);
            MemorySegment values = arena.allocate(ULONG_SIZE * longAttrs.length + 2, 8);
            int i = 0;
            for (long[] a : longAttrs) {
                MemorySegment v = values.asSlice(i * ULONG_SIZE, ULONG_SIZE);
                setUlong(v, 0, a[1]);
                triple(template, i++, a[0], v, ULONG_SIZE);
            }
            MemorySegment yes = values.asSlice(ULONG_SIZE * longAttrs.length, 1);
            yes.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            MemorySegment no = values.asSlice(ULONG_SIZE * longAttrs.length + 1, 1);
            no.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
            for (long a : trueAttrs) {
                triple(template, i++, a, yes, 1);
            }
            for (long a : falseAttrs) {
                triple(template, i++, a, no, 1);
            }
            triple(mechanism, 0, wrapMechanism, MemorySegment.NULL, 0);
        }

        /**
         * Unwraps {@code wrapped} under {@code unwrappingKey} into a session object, wraps that under
         * {@code wrappingKey} (both with the token's RFC 5649 mechanism) and destroys the session object,
         * whatever happens. Throws {@link NativeFailure} with the failing function and CKR code.
         */
        byte[] translate(long session, long unwrappingKey, byte[] wrapped, long wrappingKey) {
            if (wrapped.length > input.byteSize()) {
                input = arena.allocate(wrapped.length);
            }
            MemorySegment.copy(wrapped, 0, input, ValueLayout.JAVA_BYTE, 0, wrapped.length);
            try {
                long rv = toLong(unwrapKey.invoke(ulong(session), mechanism, ulong(unwrappingKey), input,
                        ulong(wrapped.length), template, ulong(templateCount), handleOut));
                if (rv != Ckr.OK) {
                    throw new NativeFailure("C_UnwrapKey", rv);
                }
                long copy = getUlong(handleOut, 0);
                try {
                    setUlong(outLen, 0, output.byteSize());
                    rv = toLong(wrapKey.invoke(ulong(session), mechanism, ulong(wrappingKey), ulong(copy), output, outLen));
                    if (rv == Ckr.BUFFER_TOO_SMALL) {
                        // some tokens answer a length that is still too small (NSS's size query for 0x210B
                        // gives the key's length, not the wrapped one): never trust it below input + 16
                        output = arena.allocate(Math.max(getUlong(outLen, 0), Math.max(2 * output.byteSize(), wrapped.length + 16L)));
                        setUlong(outLen, 0, output.byteSize());
                        rv = toLong(wrapKey.invoke(ulong(session), mechanism, ulong(wrappingKey), ulong(copy), output, outLen));
                    }
                    if (rv != Ckr.OK) {
                        throw new NativeFailure("C_WrapKey", rv);
                    }
                    return output.asSlice(0, getUlong(outLen, 0)).toArray(ValueLayout.JAVA_BYTE);
                } finally {
                    long drv = toLong(destroyObject.invoke(ulong(session), ulong(copy)));
                    if (drv != Ckr.OK) {
                        throw new NativeFailure("C_DestroyObject", drv);
                    }
                }
            } catch (NativeFailure f) {
                throw f;
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /** One attribute of a native template: its type and its value as the token expects the bytes. */
    record NativeAttribute(long type, byte[] value) {
        static NativeAttribute bool(long type, boolean v) {
            return new NativeAttribute(type, new byte[] {(byte) (v ? 1 : 0)});
        }

        static NativeAttribute ulong(long type, long v) {
            byte[] b = new byte[(int) ULONG_SIZE];
            MemorySegment seg = MemorySegment.ofArray(b);
            if (WINDOWS) {
                seg.set(ValueLayout.JAVA_INT_UNALIGNED, 0, (int) v);
            } else {
                seg.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, v);
            }
            return new NativeAttribute(type, b);
        }
    }

    /** OAEP hash and mask generation: SHA-256 (the console's), or SHA-1 (only for tests of tokens that lack SHA-256). */
    enum OaepHash {
        SHA256(Mech.SHA256, Mech.CKG_MGF1_SHA256), SHA1(0x220, 0x1);

        final long hashAlg;
        final long mgf;

        OaepHash(long hashAlg, long mgf) {
            this.hashAlg = hashAlg;
            this.mgf = mgf;
        }
    }

    /** CK_MECHANISM for RSA-OAEP with the given hash and MGF1, and an empty label. */
    private static MemorySegment oaep(Arena arena, OaepHash hash) {
        long paramsSize = WINDOWS ? 4 * 3 + 8 + 4 : 40;
        MemorySegment params = arena.allocate(paramsSize, 8);
        setUlong(params, 0, hash.hashAlg);
        setUlong(params, ULONG_SIZE, hash.mgf);
        setUlong(params, 2 * ULONG_SIZE, Mech.CKZ_DATA_SPECIFIED);
        params.set(PTR, WINDOWS ? 12 : 24, MemorySegment.NULL);
        setUlong(params, WINDOWS ? 20 : 32, 0);
        MemorySegment mech = arena.allocate(TRIPLE_SIZE, 8);
        triple(mech, 0, Mech.RSA_PKCS_OAEP, params, paramsSize);
        return mech;
    }

    /** C_WrapKey with RSA-OAEP (the JDK wrapper cannot pass OAEP parameters). */
    byte[] wrapOaep(long session, OaepHash hash, long wrappingKey, long key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mech = oaep(arena, hash);
            MemorySegment len = arena.allocate(8, 8);
            long rv = toLong(wrapKey.invoke(ulong(session), mech, ulong(wrappingKey), ulong(key), MemorySegment.NULL, len));
            if (rv != Ckr.OK) {
                throw new NativeFailure("C_WrapKey", rv);
            }
            MemorySegment out = arena.allocate(Math.max(1, getUlong(len, 0)));
            rv = toLong(wrapKey.invoke(ulong(session), mech, ulong(wrappingKey), ulong(key), out, len));
            if (rv != Ckr.OK) {
                throw new NativeFailure("C_WrapKey", rv);
            }
            return out.asSlice(0, getUlong(len, 0)).toArray(ValueLayout.JAVA_BYTE);
        } catch (NativeFailure f) {
            throw f;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** C_UnwrapKey with RSA-OAEP into a key with the given template; returns the handle. */
    long unwrapOaep(long session, OaepHash hash, long unwrappingKey, byte[] wrapped, java.util.List<NativeAttribute> attributes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mech = oaep(arena, hash);
            MemorySegment in = arena.allocate(Math.max(1, wrapped.length));
            MemorySegment.copy(wrapped, 0, in, ValueLayout.JAVA_BYTE, 0, wrapped.length);
            MemorySegment template = arena.allocate(Math.max(1, TRIPLE_SIZE * attributes.size()), 8);
            for (int i = 0; i < attributes.size(); i++) {
                NativeAttribute a = attributes.get(i);
                MemorySegment v = arena.allocate(Math.max(1, a.value().length));
                MemorySegment.copy(a.value(), 0, v, ValueLayout.JAVA_BYTE, 0, a.value().length);
                triple(template, i, a.type(), v, a.value().length);
            }
            MemorySegment handle = arena.allocate(8, 8);
            long rv = toLong(unwrapKey.invoke(ulong(session), mech, ulong(unwrappingKey), in, ulong(wrapped.length),
                    template, ulong(attributes.size()), handle));
            if (rv != Ckr.OK) {
                throw new NativeFailure("C_UnwrapKey", rv);
            }
            return getUlong(handle, 0);
        } catch (NativeFailure f) {
            throw f;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void triple(MemorySegment array, int index, long type, MemorySegment value, long length) {
        long off = index * TRIPLE_SIZE;
        setUlong(array, off, type);
        array.set(PTR, off + TRIPLE_PTR_OFFSET, value);
        setUlong(array, off + TRIPLE_LEN_OFFSET, length);
    }

    private static void setUlong(MemorySegment s, long offset, long value) {
        if (WINDOWS) {
            s.set(ValueLayout.JAVA_INT_UNALIGNED, offset, (int) value);
        } else {
            s.set(ValueLayout.JAVA_LONG, offset, value);
        }
    }

    private static long getUlong(MemorySegment s, long offset) {
        return WINDOWS ? Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT_UNALIGNED, offset)) : s.get(ValueLayout.JAVA_LONG, offset);
    }

    private static Object ulong(long v) {
        return WINDOWS ? (Object) (int) v : (Object) v;
    }

    private static long toLong(Object rv) {
        return rv instanceof Integer i ? Integer.toUnsignedLong(i) : (Long) rv;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native PKCS#11 call failed", t);
    }

    /** A failed native call: the function and its CKR code. */
    static final class NativeFailure extends RuntimeException {
        final String function;
        final long ckr;

        NativeFailure(String function, long ckr) {
            super(function + " returned " + Ckr.name(ckr), null, false, false);
            this.function = function;
            this.ckr = ckr;
        }
    }

    /** Sets an environment variable of this process (read by libraries such as SoftHSM2 at load). */
    static void setProcessEnvironment(String name, String value) {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup libc = LINKER.defaultLookup();
            long rv;
            if (WINDOWS) {
                MethodHandle putenv = LINKER.downcallHandle(libc.find("_putenv_s").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
                rv = (int) putenv.invoke(arena.allocateFrom(name), arena.allocateFrom(value));
            } else {
                MethodHandle setenv = LINKER.downcallHandle(libc.find("setenv").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
                rv = (int) setenv.invoke(arena.allocateFrom(name), arena.allocateFrom(value), 1);
            }
            if (rv != 0) {
                throw new IllegalStateException("could not set " + name + " for the PKCS#11 library");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("could not set " + name + " for the PKCS#11 library", t);
        }
    }
}
