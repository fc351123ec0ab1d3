/**
 * Ceremony scripts: the YAML plan of one ceremony, as {@code docs/ceremony-scripts.md} specifies it.
 *
 * <p>{@link org.hsmc.ceremony.script.ScriptParser} reads a file in two passes (first only
 * {@code ceremony} and {@code format}, then a strict parse for that type followed by a validation of
 * values and combinations) and returns a {@link org.hsmc.ceremony.script.ParsedScript}: the immutable
 * {@link org.hsmc.ceremony.script.CeremonyScript} and the SHA-256 of the exact bytes that were reviewed.
 * Every refusal is a {@link org.hsmc.ceremony.script.ScriptException} listing each
 * {@link org.hsmc.ceremony.script.ScriptProblem} by field path.
 *
 * <p>Only what can be checked from the file alone is checked here. Whether a zone, key or custodian
 * exists is checked later, against the store, by the layer that runs the script.
 */
package org.hsmc.ceremony.script;
