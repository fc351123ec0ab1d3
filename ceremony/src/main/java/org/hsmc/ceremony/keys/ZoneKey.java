package org.hsmc.ceremony.keys;

/**
 * How keys reach a zone: a ZMK (wrapped under the LMK) or the zone's RSA transport public key.
 *
 * @param kcv ZMK: its KCV; transport key: the first 10 hex digits of SHA-256 over its SubjectPublicKeyInfo
 */
public record ZoneKey(String id, String zone, int version, Kind kind, byte[] wrapped, Integer lmkVersion,
                      byte[] transportPublic, String kcv, Integer components, String status) {

    /** ZMK or transport key. */
    public enum Kind { ZMK, TRANSPORT }
}
