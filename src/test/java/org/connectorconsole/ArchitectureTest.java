package org.connectorconsole;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The layering of docs/architecture.md, checked on every build. */
@AnalyzeClasses(packages = "org.connectorconsole", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule features_do_not_depend_on_each_other_in_cycles = slices()
            .matching("org.connectorconsole.(*)..")
            .namingSlices("$1")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule only_repositories_touch_generated_jooq_classes = classes()
            .that().resideInAPackage("org.connectorconsole.db..")
            .should().onlyBeAccessed().byClassesThat(
                    com.tngtech.archunit.base.DescribedPredicate.or(
                            com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(
                                    "org.connectorconsole.db.."),
                            com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith(
                                    Repository.class)))
            .because("only a feature's repository maps rows to records");

    @ArchTest
    static final ArchRule views_stay_thin = noClasses()
            .that().resideInAPackage("..ui..")
            .should().dependOnClassesThat().resideInAnyPackage("org.jooq..", "org.connectorconsole.db..",
                    "javax.crypto..", "java.sql..", "javax.sql..")
            .orShould().beAnnotatedWith(Transactional.class)
            .orShould().dependOnClassesThat().areAnnotatedWith(Repository.class);

    @ArchTest
    static final ArchRule views_do_not_open_transactions = noClasses()
            .that().resideInAPackage("..ui..")
            .should().dependOnClassesThat().haveFullyQualifiedName(Transactional.class.getName());

    /** A feature's {@code internal} package (its repositories) is used from within that feature only. */
    @ArchTest
    static final ArchRule internals_stay_inside_their_feature = classes()
            .should(useNoOtherFeaturesInternals())
            .because("a feature reaches another's data through its services, never its repositories");

    /** A feature's views use no other feature's views; the shared shell ({@code base.ui}) is for all of them. */
    @ArchTest
    static final ArchRule feature_views_do_not_depend_on_each_other = slices()
            .matching("org.connectorconsole.(*).ui..")
            .namingSlices("$1 views")
            .should().notDependOnEachOther()
            .ignoreDependency(DescribedPredicate.alwaysTrue(),
                    JavaClass.Predicates.resideInAPackage("org.connectorconsole.base.ui.."))
            .because("views reach another feature's page by its route, not its class, so each can stay "
                    + "package-private");

    @ArchTest
    static final ArchRule every_route_declares_who_may_open_it = classes()
            .that().areAnnotatedWith(Route.class)
            .should().beAnnotatedWith(AnonymousAllowed.class)
            .orShould().beAnnotatedWith(PermitAll.class)
            .orShould().beAnnotatedWith(RolesAllowed.class)
            .orShould().beAnnotatedWith(DenyAll.class);

    @ArchTest
    static final ArchRule only_egress_opens_network_connections = noClasses()
            .that().resideOutsideOfPackage("org.connectorconsole.egress..")
            // the image's health check: a separate process asking the console on loopback, never a way out
            .and().doNotHaveFullyQualifiedName("org.connectorconsole.HealthProbe")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.hc..")
            .orShould().callMethod(java.net.http.HttpClient.class, "newBuilder")
            .orShould().callMethod(java.net.http.HttpClient.class, "newHttpClient")
            .orShould().dependOnClassesThat().areAssignableTo(java.net.URLConnection.class)
            .orShould().dependOnClassesThat().areAssignableTo(java.net.Socket.class)
            .because("every outbound request goes through the egress policy (MCP-CLIENT.md)");

    @ArchTest
    static final ArchRule services_and_repositories_stay_out_of_views = noClasses()
            .that().resideOutsideOfPackage("..ui..")
            .and().areNotAnnotatedWith(org.springframework.context.annotation.Configuration.class)
            .should().dependOnClassesThat().resideInAPackage("org.connectorconsole..ui..");

    private static final Pattern FEATURE = Pattern.compile("org\\.connectorconsole\\.([^.]+)(\\..*)?");

    /** The top-level package under org.connectorconsole ("slice") a package belongs to, or "" for the root. */
    private static String feature(String packageName) {
        Matcher m = FEATURE.matcher(packageName);
        return m.matches() ? m.group(1) : "";
    }

    private static boolean isInternal(String packageName) {
        return packageName.startsWith("org.connectorconsole.")
                && Arrays.asList(packageName.split("\\.")).contains("internal");
    }

    private static ArchCondition<JavaClass> useNoOtherFeaturesInternals() {
        return new ArchCondition<>("use no other feature's internal package") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    String target = dependency.getTargetClass().getBaseComponentType().getPackageName();
                    if (isInternal(target) && !feature(target).equals(feature(origin.getPackageName()))) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }
}
