package org.hsmc.testsupport;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** See {@link RequiresNss}. */
public final class NssExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        if (NssStore.findModule().isEmpty()) {
            if (SoftHsmStore.inCi()) {
                throw new IllegalStateException("CI=true: " + NssStore.missingMessage());
            }
            Assumptions.abort(NssStore.missingMessage());
        }
        NssStore.shared();
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == NssStore.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return NssStore.shared();
    }
}
