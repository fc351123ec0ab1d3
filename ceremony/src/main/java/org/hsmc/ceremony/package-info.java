/**
 * The domain: custodians, admin cards, the M-of-N quorum, the key hierarchy and inventory, ceremony
 * scripts and runs, the audit log, the bundle format and the SQLite store. No JavaFX; PKCS#11 only
 * through {@code org.hsmc.pkcs11}.
 */
package org.hsmc.ceremony;
