/**
 * The tamper-evident audit log: hash-chained entries in the store, checkpoints signed by the audit key
 * in the HSM, verification that names the first bad entry and the kind of damage, and an export file an
 * auditor verifies elsewhere with the public key alone. The format is in {@code docs/audit-log-format.md}.
 */
package org.hsmc.ceremony.audit;
