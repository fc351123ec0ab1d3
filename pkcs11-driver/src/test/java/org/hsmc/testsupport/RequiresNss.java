package org.hsmc.testsupport;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that talks to a real NSS softokn. Without NSS the class is skipped with the
 * install command, except when CI=true, where it fails. Test methods may take an {@link NssStore}
 * parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NssExtension.class)
public @interface RequiresNss {
}
