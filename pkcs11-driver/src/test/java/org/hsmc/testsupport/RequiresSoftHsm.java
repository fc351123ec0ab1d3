package org.hsmc.testsupport;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that talks to a real SoftHSM2. Without SoftHSM2 the class is skipped with
 * the install command, except when CI=true, where it fails: CI never passes by skipping.
 * Test methods may take a {@link SoftHsmStore} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SoftHsmExtension.class)
public @interface RequiresSoftHsm {
}
