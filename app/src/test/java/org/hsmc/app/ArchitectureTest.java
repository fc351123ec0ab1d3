package org.hsmc.app;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering of docs/architecture.md, enforced: app → reports → ceremony → pkcs11-driver, and app → node →
 * pkcs11-driver (the node side uses nothing of the console); no JavaFX below app; PKCS#11 (the wrapper, the JDK's
 * internal wrapper, and native calls) only in the driver; no package cycles. Rules that match no class fail, so none of them can pass vacuously.
 */
@AnalyzeClasses(packages = "org.hsmc", importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {

    /** The shared SoftHSM2 fixture arrives as the driver's test-jar; it is test code, not a layer. */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("-tests.jar") && !location.contains("/org/hsmc/testsupport/");
        }
    }

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("app").definedBy("org.hsmc.app..")
            .layer("reports").definedBy("org.hsmc.reports..")
            .layer("ceremony").definedBy("org.hsmc.ceremony..")
            .layer("node").definedBy("org.hsmc.node..")
            .layer("driver").definedBy("org.hsmc.pkcs11..")
            .whereLayer("app").mayNotBeAccessedByAnyLayer()
            .whereLayer("reports").mayOnlyBeAccessedByLayers("app")
            .whereLayer("ceremony").mayOnlyBeAccessedByLayers("reports", "app")
            .whereLayer("node").mayOnlyBeAccessedByLayers("app")
            .whereLayer("driver").mayOnlyBeAccessedByLayers("ceremony", "reports", "node", "app")
            .ensureAllClassesAreContainedInArchitecture();

    /** The node side ships to online nodes: the driver, Bouncy Castle and RFC 8785 only; no store, no console. */
    @ArchTest
    static final ArchRule theNodeSideNeedsOnlyTheDriver = noClasses()
            .that().resideInAPackage("org.hsmc.node..")
            .should().dependOnClassesThat().resideInAnyPackage("org.hsmc.ceremony..", "org.hsmc.reports..", "org.hsmc.app..",
                    "java.sql..", "org.sqlite..", "org.flywaydb..", "com.fasterxml..", "javafx..")
            .because("a node runs the verifier and importer without the console's store, domain or screens");

    @ArchTest
    static final ArchRule noJavaFxBelowApp = noClasses()
            .that().resideInAnyPackage("org.hsmc.pkcs11..", "org.hsmc.ceremony..", "org.hsmc.reports..", "org.hsmc.node..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "com.sun.javafx..")
            .because("only the app module shows screens; the domain must run headless and in the CLI");

    @ArchTest
    static final ArchRule onlyTheDriverSpeaksPkcs11 = noClasses()
            .that().resideOutsideOfPackage("org.hsmc.pkcs11..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.xipki..", "iaik..", "sun.security.pkcs11..", "java.lang.foreign..")
            .because("pkcs11-driver is the only code that speaks PKCS#11");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("org.hsmc.(**)").should().beFreeOfCycles();
}
