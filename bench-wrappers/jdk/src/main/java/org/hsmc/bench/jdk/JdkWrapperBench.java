package org.hsmc.bench.jdk;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_CLASS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_KEY_TYPE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIVATE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_TOKEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_AES;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_WRAP_PAD;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_ECDSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_EC_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;

import java.util.Arrays;
import org.hsmc.bench.BenchConfig;
import org.hsmc.bench.Harness;
import org.hsmc.bench.Harness.Op;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.KeyPairTemplate;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.Token;
import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.CK_MECHANISM;
import sun.security.pkcs11.wrapper.PKCS11;

/**
 * PKCS#11 throughput through org.xipki:jpkcs11wrapper (pure Java over the JDK's
 * internal {@code sun.security.pkcs11.wrapper.PKCS11}), figure prefix
 * "jdkwrapper". The four main figures go through the raw JDK PKCS11 calls with
 * pre-built CK_MECHANISM and CK_ATTRIBUTE[] objects;
 * {@code jdkwrapper_highlevel_translate_per_s} goes through the {@link Session}
 * API for reference. Same set-up and method as ../../c/p11bench.c.
 *
 * <p>Run with {@code --add-modules jdk.crypto.cryptoki
 * --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED};
 * argument: module path.
 */
public final class JdkWrapperBench {

  /** Handles of the session objects the benchmark works on, and the KWP blob. */
  private record Keys(long kekA, long kekB, long payload, long ecPrivate, byte[] blob) {}

  public static void main(String[] args) throws Exception {
    BenchConfig cfg = BenchConfig.fromArgs(args);

    PKCS11Module module = PKCS11Module.getInstance(cfg.modulePath());
    module.initialize();
    try (Harness harness = Harness.fromEnv("jdkwrapper")) {
      Token token = findToken(module, cfg.tokenLabel());
      // Keys are session objects of 'main'; login state and session objects are
      // shared by all sessions of the application, so s1 and s2 see them.
      Session main = token.openSession(true);
      main.login(CKU_USER, cfg.userPin());
      Keys keys = generateKeys(main);
      Session s1 = token.openSession(true);
      Session s2 = token.openSession(true);

      LowLevel raw = new LowLevel(module.getPKCS11(), keys);
      raw.selfCheck(main.getSessionHandle());

      long h = main.getSessionHandle();
      harness.report("kwp_wrap_per_s", raw.wrap(h));
      harness.report("translate_per_s", raw.translate(h));
      harness.report("translate_per_s_2threads",
          raw.translate(s1.getSessionHandle()), raw.translate(s2.getSessionHandle()));
      harness.report("ecdsa_p384_per_s", raw.ecdsa(h));
      harness.report("highlevel_translate_per_s", highLevelTranslate(main, keys));

      s1.closeSession();
      s2.closeSession();
      main.logout();
      main.closeSession(); // also destroys its session objects
    } finally {
      module.finalize(null);
    }
  }

  /** The four main figures: raw JDK PKCS11 calls with arguments built once. */
  private static final class LowLevel {
    private final PKCS11 p11;
    private final Keys keys;
    private final CK_MECHANISM kwp = new CK_MECHANISM(CKM_AES_KEY_WRAP_PAD);
    private final CK_MECHANISM ecdsa = new CK_MECHANISM(CKM_ECDSA);
    private final byte[] digest = BenchConfig.digest48();
    /** Template of the object created by C_UnwrapKey in a translation. */
    private final CK_ATTRIBUTE[] unwrapTemplate = {
        new CK_ATTRIBUTE(CKA_CLASS, CKO_SECRET_KEY),
        new CK_ATTRIBUTE(CKA_KEY_TYPE, CKK_AES),
        new CK_ATTRIBUTE(CKA_TOKEN, false),
        new CK_ATTRIBUTE(CKA_PRIVATE, true),
        new CK_ATTRIBUTE(CKA_SENSITIVE, true),
        new CK_ATTRIBUTE(CKA_EXTRACTABLE, true),
    };

    LowLevel(PKCS11 p11, Keys keys) {
      this.p11 = p11;
      this.keys = keys;
    }

    Op wrap(long session) {
      return () -> p11.C_WrapKey(session, kwp, keys.kekA(), keys.payload());
    }

    Op translate(long session) {
      return () -> translateOnce(session);
    }

    Op ecdsa(long session) {
      return () -> {
        p11.C_SignInit(session, ecdsa, keys.ecPrivate());
        p11.C_Sign(session, digest);
      };
    }

    /** Unwrap under A, wrap under B, destroy; returns the blob under B. */
    private byte[] translateOnce(long session) throws Exception {
      long h = p11.C_UnwrapKey(session, kwp, keys.kekA(), keys.blob(), unwrapTemplate);
      byte[] underB = p11.C_WrapKey(session, kwp, keys.kekB(), h);
      p11.C_DestroyObject(session, h);
      return underB;
    }

    /** A translated blob must come back to the original when translated B -> A. */
    void selfCheck(long session) throws Exception {
      byte[] underB = translateOnce(session);
      long h = p11.C_UnwrapKey(session, kwp, keys.kekB(), underB, unwrapTemplate);
      byte[] back = p11.C_WrapKey(session, kwp, keys.kekA(), h);
      p11.C_DestroyObject(session, h);
      Harness.check(keys.blob().length == 40 && Arrays.equals(back, keys.blob()),
          "translation does not round-trip");
      p11.C_SignInit(session, ecdsa, keys.ecPrivate());
      Harness.check(p11.C_Sign(session, digest).length == 96, "P-384 signature is not 96 bytes");
    }
  }

  /** jdkwrapper_highlevel_translate_per_s: the same translation through the Session API. */
  private static Op highLevelTranslate(Session session, Keys keys) {
    Mechanism kwp = new Mechanism(CKM_AES_KEY_WRAP_PAD);
    AttributeVector template = AttributeVector.newAESSecretKey()
        .token(false).private_(true).sensitive(true).extractable(true);
    return () -> {
      long h = session.unwrapKey(kwp, keys.kekA(), keys.blob(), template);
      session.wrapKey(kwp, keys.kekB(), h);
      session.destroyObject(h);
    };
  }

  private static Keys generateKeys(Session s) throws Exception {
    Mechanism aesGen = new Mechanism(CKM_AES_KEY_GEN);
    AttributeVector kek = AttributeVector.newAESSecretKey().valueLen(32).token(false)
        .private_(true).sensitive(true).extractable(false).wrap(true).unwrap(true);
    AttributeVector payload = AttributeVector.newAESSecretKey().valueLen(32).token(false)
        .private_(true).sensitive(true).extractable(true);
    long kekA = s.generateKey(aesGen, kek);
    long kekB = s.generateKey(aesGen, kek);
    long payloadKey = s.generateKey(aesGen, payload);
    byte[] blob = s.wrapKey(new Mechanism(CKM_AES_KEY_WRAP_PAD), kekA, payloadKey);

    KeyPairTemplate ec = new KeyPairTemplate(
        AttributeVector.newECPrivateKey().token(false).private_(true).sensitive(true).sign(true),
        AttributeVector.newECPublicKey().token(false).verify(true).ecParams(BenchConfig.P384_OID));
    long ecPrivate = s.generateKeyPair(new Mechanism(CKM_EC_KEY_PAIR_GEN), ec).getPrivateKey();
    return new Keys(kekA, kekB, payloadKey, ecPrivate, blob);
  }

  /** SoftHSM assigns random slot ids: look the token up by its label. */
  private static Token findToken(PKCS11Module module, String label) throws Exception {
    for (Slot slot : module.getSlotList(true)) {
      Token token = slot.getToken();
      if (label.equals(token.getTokenInfo().getLabel().trim())) {
        return token;
      }
    }
    throw new IllegalStateException("no token labelled '" + label + "'");
  }
}
