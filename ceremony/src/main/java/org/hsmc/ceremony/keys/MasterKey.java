package org.hsmc.ceremony.keys;

/** An LMK version: a token object in the HSM with this label, and its KCV. */
public record MasterKey(int version, String label, String kcv, String status) {
}
