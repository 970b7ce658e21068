package dev.perceptwatch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The package rules of docs/PACKAGES.md, checked on the service's main classes: which capability may use
 * which, and where the heavy libraries (Kafka, ONNX Runtime, Prometheus) may appear. A new package fails
 * {@link #everyPackageHasItsRules} until it is given rules here and in the map.
 */
class PackageRulesTest {
    private static final String ROOT = "dev.perceptwatch";

    /** Each capability of the service and the capabilities it may use (events and client are other modules). */
    private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            Map.entry("imaging", Set.of("contract")),
            Map.entry("scoring", Set.of("events", "imaging")),
            Map.entry("aggregation", Set.of("events", "scoring")),
            Map.entry("drift", Set.of("events", "scoring", "aggregation")),
            Map.entry("ingest", Set.of("events", "contract")),
            Map.entry("config", Set.of("contract", "client", "imaging", "scoring", "drift", "ingest")),
            Map.entry("observability", Set.of("events", "contract", "scoring")),
            Map.entry("topology", Set.of("events", "contract", "client", "imaging", "scoring", "aggregation", "drift",
                    "ingest", "config", "observability")),
            Map.entry("console", Set.of("events", "contract", "client", "imaging", "scoring", "drift", "ingest",
                    "config")),
            Map.entry("service", Set.of("events", "contract", "client", "imaging", "scoring", "aggregation", "drift",
                    "ingest", "config", "observability", "console", "topology")),
            Map.entry("commandline", Set.of("imaging", "scoring", "config")),
            Map.entry("bench", Set.of("events", "client", "imaging", "scoring", "config", "topology", "service",
                    "commandline")),
            Map.entry("cli", Set.of("events", "client", "imaging", "scoring", "drift", "ingest", "config", "console",
                    "service", "commandline", "bench")));

    /**
     * The other modules' packages: the events (generated from schemas/), the producer client, and the event
     * contract (its rules and the reason codes) that client and service share.
     */
    private static final Set<String> MODULES = Set.of("events", "client", "contract");

    /** Where each heavy library may be used: nowhere else. */
    private static final Map<String, Set<String>> LIBRARY_USERS = Map.of(
            "org.apache.kafka..", Set.of("topology", "service", "observability", "console", "commandline", "bench",
                    "cli"),
            "ai.onnxruntime..", Set.of("scoring"),
            "io.prometheus..", Set.of("observability"));

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(ROOT);

    @Test
    void everyPackageHasItsRules() {
        Set<String> capabilities = MAIN.stream().map(PackageRulesTest::capability)
                .filter(name -> !MODULES.contains(name))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(MAY_USE.keySet()), capabilities,
                "every package of the service is in MAY_USE and in docs/PACKAGES.md");
    }

    @ParameterizedTest
    @MethodSource("capabilities")
    void usesOnlyTheCapabilitiesItMay(String capability) {
        Set<String> forbidden = new TreeSet<>(MAY_USE.keySet());
        forbidden.addAll(MODULES);
        forbidden.removeAll(MAY_USE.get(capability));
        forbidden.remove(capability);
        if (forbidden.isEmpty()) {
            return;
        }
        noClasses().that().resideInAPackage(ROOT + "." + capability + "..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        forbidden.stream().map(name -> ROOT + "." + name + "..").toArray(String[]::new))
                .because("docs/PACKAGES.md: " + capability + " may use only " + MAY_USE.get(capability))
                .check(MAIN);
    }

    @ParameterizedTest
    @MethodSource("libraries")
    void heavyLibrariesStayInTheirPackages(String library) {
        Set<String> users = LIBRARY_USERS.get(library);
        String[] others = MAY_USE.keySet().stream().filter(name -> !users.contains(name))
                .map(name -> ROOT + "." + name + "..").toArray(String[]::new);
        noClasses().that().resideInAnyPackage(others)
                .should().dependOnClassesThat().resideInAPackage(library)
                .because("docs/PACKAGES.md: " + library + " is used only in " + users)
                .check(MAIN);
    }

    @Test
    void capabilitiesHaveNoCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }

    static Set<String> capabilities() {
        return MAY_USE.keySet();
    }

    static Set<String> libraries() {
        return LIBRARY_USERS.keySet();
    }

    private static String capability(JavaClass type) {
        String rest = type.getPackageName().substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }
}
