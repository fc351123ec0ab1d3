package org.hsmc.testsupport;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** See {@link RequiresSoftHsm}. */
public final class SoftHsmExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        if (SoftHsmStore.findModule().isEmpty()) {
            if (SoftHsmStore.inCi()) {
                throw new IllegalStateException("CI=true: " + SoftHsmStore.missingMessage());
            }
            Assumptions.abort(SoftHsmStore.missingMessage());
        }
        SoftHsmStore.shared();
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == SoftHsmStore.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return SoftHsmStore.shared();
    }
}
