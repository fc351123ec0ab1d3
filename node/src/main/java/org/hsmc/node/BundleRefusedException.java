package org.hsmc.node;

/**
 * A bundle was refused: {@link #kind()} says why in general, the message in particular. Nothing of a refused
 * bundle is kept (no key imported, the anti-rollback state unchanged). The verifier and the importer throw
 * nothing else for any input.
 */
public final class BundleRefusedException extends RuntimeException {

    private final Refusal kind;

    public BundleRefusedException(Refusal kind, String detail) {
        super(kind.title() + ": " + detail);
        this.kind = kind;
    }

    public BundleRefusedException(Refusal kind, String detail, Throwable cause) {
        super(kind.title() + ": " + detail, cause);
        this.kind = kind;
    }

    public Refusal kind() {
        return kind;
    }
}
