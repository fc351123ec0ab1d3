/**
 * The node side of signed key bundles (docs/bundle-format.md): what an online security node runs to check a
 * bundle from the console and import its keys into its own PKCS#11 token. No store, no JavaFX: the PKCS#11
 * driver, Bouncy Castle's ASN.1 and RFC 8785 only.
 *
 * <p>{@link org.hsmc.node.BundleVerifier} checks a bundle against a pinned
 * {@link org.hsmc.node.TrustedConsole} certificate; {@link org.hsmc.node.BundleImporter} adds the node's own
 * checks (zone, anti-rollback {@link org.hsmc.node.NodeState}) and unwraps the keys under the node's zone key,
 * proving each KCV. Every refusal is a {@link org.hsmc.node.BundleRefusedException} with its
 * {@link org.hsmc.node.Refusal} kind.
 */
package org.hsmc.node;
