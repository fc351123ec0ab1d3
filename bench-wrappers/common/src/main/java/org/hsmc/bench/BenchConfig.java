package org.hsmc.bench;

/**
 * Where the benchmark token lives: module path (first argument, else
 * HSMC_PKCS11_MODULE, else SoftHSM2's default path), token label
 * (BENCH_TOKEN_LABEL, default "bench") and user PIN (BENCH_USER_PIN, default
 * "123456"). Same defaults as ../c/p11bench.c.
 */
public record BenchConfig(String modulePath, String tokenLabel, char[] userPin) {

  /** DER-encoded OID 1.3.132.0.34 (secp384r1), the CKA_EC_PARAMS of the ECDSA key. */
  public static final byte[] P384_OID = {0x06, 0x05, 0x2B, (byte) 0x81, 0x04, 0x00, 0x22};

  /** Fixed 48-byte "digest" signed by the ECDSA figure (raw CKM_ECDSA). */
  public static byte[] digest48() {
    byte[] d = new byte[48];
    for (int i = 0; i < d.length; i++) {
      d[i] = (byte) (i * 7 + 1);
    }
    return d;
  }

  public static BenchConfig fromArgs(String[] args) {
    String module = args.length > 0 ? args[0] : env("HSMC_PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so");
    return new BenchConfig(module, env("BENCH_TOKEN_LABEL", "bench"),
        env("BENCH_USER_PIN", "123456").toCharArray());
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }
}
