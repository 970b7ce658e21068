package dev.perceptwatch.compose;

import static dev.perceptwatch.compose.ComposeFiles.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perceptwatch.compose.ComposeFiles.Instruction;
import dev.perceptwatch.compose.ComposeFiles.Mount;
import dev.perceptwatch.config.Settings;
import dev.perceptwatch.config.Topics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks docker-compose.yml and the Dockerfile against the repository without Docker: references between
 * services, mounted files, ports, the configurations the containers read, and the service's own settings
 * loaded from exactly what the container would get.
 */
class ComposeFileTest {

    /** The host ports docs/DOCKER.md documents, by service. */
    private static final Map<String, Set<Integer>> DOCUMENTED_PORTS = Map.of(
            "kafka", Set.of(29092), "schema-registry", Set.of(8081), "app", Set.of(9400),
            "prometheus", Set.of(9090), "alertmanager", Set.of(9093), "grafana", Set.of(3000));
    private static final Set<String> CONDITIONS =
            Set.of("service_started", "service_healthy", "service_completed_successfully");
    private static final String MODELS_MOUNT_SOURCE = "${PERCEPTWATCH_MODELS:-./models}";

    private final JsonNode compose = ComposeFiles.yaml(ComposeFiles.COMPOSE_FILE);
    private final JsonNode services = compose.path("services");
    private final List<Instruction> runtime = ComposeFiles.runtimeStage(ComposeFiles.dockerfile());

    @Test
    void dependenciesNameExistingServicesAndConditionsTheyCanMeet() {
        services.fields().forEachRemaining(service -> {
            JsonNode dependsOn = service.getValue().path("depends_on");
            Map<String, String> conditions = new TreeMap<>();
            if (dependsOn.isArray()) {
                dependsOn.forEach(name -> conditions.put(name.asText(), "service_started"));
            } else {
                dependsOn.fields().forEachRemaining(d -> conditions.put(d.getKey(), d.getValue().path("condition").asText()));
            }
            conditions.forEach((name, condition) -> {
                String where = service.getKey() + " depends on " + name + " (" + condition + ")";
                assertTrue(services.has(name), where + ": no such service");
                assertTrue(CONDITIONS.contains(condition), where + ": unknown condition");
                if (condition.equals("service_healthy")) {
                    assertTrue(hasHealthcheck(services.path(name)), where + ": " + name + " has no healthcheck");
                }
                if (condition.equals("service_completed_successfully")) {
                    assertEquals("no", services.path(name).path("restart").asText(), where + ": not a one-shot service");
                }
            });
        });
        JsonNode app = services.path("app").path("depends_on");
        for (String needed : List.of("kafka", "schema-registry", "topics")) {
            assertTrue(app.has(needed), "the app must wait for " + needed);
        }
    }

    @Test
    void everyMountedHostPathExistsAndEveryNamedVolumeIsDeclared() {
        Set<String> declared = new HashSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(declared::add);
        Set<String> used = new HashSet<>();
        services.fields().forEachRemaining(service -> {
            for (Mount mount : ComposeFiles.mounts(service.getValue())) {
                String where = service.getKey() + " mounts " + mount.source();
                if (mount.source().startsWith("${")) {
                    // The models live outside the repository (models/README.md); only where they go is checked.
                    assertEquals(MODELS_MOUNT_SOURCE, mount.source(), where);
                    assertEquals(new Mount(MODELS_MOUNT_SOURCE, "/models", true), mount, where);
                } else if (mount.isHostPath()) {
                    Path host = ROOT.resolve(mount.source()).normalize();
                    assertTrue(host.startsWith(ROOT), where + ": outside the repository");
                    assertTrue(Files.exists(host), where + ": " + host + " does not exist");
                    assertTrue(mount.readOnly(), where + ": repository files are mounted read-only");
                } else {
                    assertTrue(declared.contains(mount.source()), where + ": named volume not declared");
                    used.add(mount.source());
                }
            }
        });
        assertEquals(declared, used, "declared volumes that no service uses");
    }

    @Test
    void publishedPortsAreTheDocumentedOnes() throws IOException {
        Map<String, Set<Integer>> published = new TreeMap<>();
        services.fields().forEachRemaining(service -> {
            Map<Integer, Integer> ports = ComposeFiles.publishedPorts(service.getValue());
            ports.forEach((host, container) -> assertEquals(host, container,
                    service.getKey() + ": host and container ports differ, so URLs differ inside and outside"));
            if (!ports.isEmpty()) {
                published.put(service.getKey(), ports.keySet());
            }
        });
        assertEquals(new TreeMap<>(DOCUMENTED_PORTS), published);
        String docs = Files.readString(ROOT.resolve("docs/DOCKER.md"));
        DOCUMENTED_PORTS.values().stream().flatMap(Set::stream).forEach(port ->
                assertTrue(docs.contains("localhost:" + port), "docs/DOCKER.md does not mention localhost:" + port));
    }

    /**
     * {@code docker compose up --scale app=3}: nothing that two replicas cannot share (a container name, a
     * host name, which static group membership derives its id from, a single host port), and a host port range
     * that gives three replicas a metrics port each, documented.
     */
    @Test
    void theAppScalesToThreeReplicas() throws IOException {
        JsonNode app = services.path("app");
        assertFalse(app.has("container_name"), "a container name cannot be shared by replicas");
        assertFalse(app.has("hostname"), "replicas need their own host names");
        List<String> ports = stream(app.path("ports")).map(JsonNode::asText).toList();
        assertEquals(1, ports.size(), ports.toString());
        Matcher range = Pattern.compile("(\\d+)-(\\d+):9400").matcher(ports.get(0));
        assertTrue(range.matches(), "the metrics port is published from a host port range: " + ports);
        int first = Integer.parseInt(range.group(1));
        int last = Integer.parseInt(range.group(2));
        assertTrue(last - first + 1 >= 3, "a host port for each of three replicas: " + ports);
        String docs = Files.readString(ROOT.resolve("docs/DOCKER.md"));
        assertTrue(docs.contains("--scale app=3") && docs.contains("localhost:" + first + "-" + last),
                "docs/DOCKER.md shows how to scale and where each replica's metrics are");
    }

    @Test
    void kafkaIsOneKraftNodeWithTheProjectsBrokerSettings() {
        JsonNode kafka = services.path("kafka");
        Map<String, String> env = ComposeFiles.environment(kafka);
        assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"));
        assertEquals("10485760", env.get("KAFKA_MESSAGE_MAX_BYTES"));
        assertEquals("false", env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"));
        assertEquals("1", env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"));
        assertEquals("1", env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"));
        assertEquals("1", env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"));

        Map<String, URI> listeners = listeners(env.get("KAFKA_LISTENERS"));
        Map<String, URI> advertised = listeners(env.get("KAFKA_ADVERTISED_LISTENERS"));
        URI inside = advertised.get(env.get("KAFKA_INTER_BROKER_LISTENER_NAME"));
        assertEquals("kafka:9092", inside.getAuthority(), "the listener for other containers");
        URI host = advertised.values().stream().filter(u -> u.getHost().equals("localhost")).findFirst()
                .orElseThrow(() -> new AssertionError("no listener advertised to the host: " + advertised));
        assertEquals(29092, host.getPort());
        advertised.forEach((name, uri) -> assertEquals(uri.getPort(), listeners.get(name).getPort(), name + " port"));
        assertTrue(ComposeFiles.publishedPorts(kafka).containsKey(host.getPort()), "host listener not published");
        assertTrue(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").endsWith("@kafka:" + listeners.get("CONTROLLER").getPort()));
    }

    @Test
    void topicsServiceCreatesTheServicesTopicsFromTheOneList() throws IOException {
        JsonNode topics = services.path("topics");
        List<String> entrypoint = new ArrayList<>();
        topics.path("entrypoint").forEach(a -> entrypoint.add(a.asText()));
        Path script = ComposeFiles.hostPath(topics, entrypoint.get(1)).orElseThrow();
        Path list = ComposeFiles.hostPath(topics, entrypoint.get(2)).orElseThrow();
        assertEquals(ROOT.resolve("ops/docker/create-topics.sh"), script);
        assertEquals(ROOT.resolve("ops/topics.txt"), list);
        assertEquals(ComposeFiles.environment(services.path("app")).get("PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS"),
                entrypoint.get(3));

        Set<String> listed = new TreeSet<>();
        for (String line : Files.readAllLines(list)) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                listed.add(line.strip().split("\\s+")[0]);
            }
        }
        Topics defaults = Topics.defaults();
        assertEquals(new TreeSet<>(Set.of(defaults.generations(), defaults.references(), defaults.scores(),
                defaults.deadLetters(), defaults.windowStats(), defaults.alerts())), listed);
    }

    /** The app container's settings: the image's properties file, the image's ENV, then compose's environment. */
    @Test
    void serviceSettingsFromTheImageAndComposeLoadAndMatchTheOtherServices() {
        JsonNode app = services.path("app");
        List<String> cmd = jsonArray(single(runtime, "CMD"));
        assertEquals("run", cmd.get(0));
        String configInImage = cmd.get(cmd.indexOf("--config") + 1);
        Path configOnHost = copySource(configInImage);

        Settings settings = Settings.load(configOnHost, containerEnvironment(app, Map.of()));

        assertEquals("kafka:9092", settings.kafka().clientProperties().get("bootstrap.servers"));
        URI registry = URI.create(settings.kafka().registryUrl());
        assertTrue(services.has(registry.getHost()), "registry URL names no service: " + registry);
        assertTrue(ComposeFiles.publishedPorts(services.path(registry.getHost())).containsValue(registry.getPort()));
        assertEquals("0.0.0.0", settings.observability().host(), "metrics must listen beyond the container's loopback");
        int metricsPort = settings.observability().port();
        assertEquals(String.valueOf(metricsPort), single(runtime, "EXPOSE"));
        assertTrue(ComposeFiles.publishedPorts(app).containsValue(metricsPort));
        assertEquals(List.of(Path.of("/models")), settings.scoring().modelPath());
        assertEquals(MODELS_MOUNT_SOURCE, ComposeFiles.mounts(app).stream()
                .filter(m -> m.target().equals("/models")).findFirst().orElseThrow().source());
        String stateDir = settings.kafka().clientProperties().get("state.dir");
        assertTrue(runtimeRuns().contains("chown -R perceptwatch:perceptwatch " + Path.of(stateDir).getParent()),
                "the state dir " + stateDir + " must belong to the image's user");

        List<String> demo = new ArrayList<>();
        services.path("demo").path("command").forEach(a -> demo.add(a.asText()));
        assertEquals(List.of("demo", "--bootstrap", "kafka:9092", "--registry", settings.kafka().registryUrl()), demo);
        assertEquals(app.path("image").asText(), services.path("demo").path("image").asText(), "demo runs the app's image");
        assertEquals("demo", services.path("demo").path("profiles").path(0).asText());
    }

    /** The one-shot check runs the service's own start-up check on exactly the service's settings and models. */
    @Test
    void theCheckServiceChecksTheServicesSettingsAndModelBeforeItStarts() {
        JsonNode check = services.path("check");
        JsonNode app = services.path("app");
        assertEquals("service_completed_successfully", app.path("depends_on").path("check").path("condition").asText());
        assertEquals("no", check.path("restart").asText(), "a failed check must not be retried");
        assertEquals(app.path("image").asText(), check.path("image").asText(), "the check runs the app's image");
        List<String> command = new ArrayList<>();
        check.path("command").forEach(a -> command.add(a.asText()));
        List<String> serviceCommand = new ArrayList<>(jsonArray(single(runtime, "CMD")));
        serviceCommand.add("--check");
        assertEquals(serviceCommand, command);
        assertEquals(settingsVariables(app), settingsVariables(check));
        assertEquals(modelsMount(app), modelsMount(check));
        assertTrue(check.path("healthcheck").path("disable").asBoolean(), "a one-shot serves no /health");
    }

    @Test
    void modelsComeFromOneVariableAndASelfExportedModelsHashIsPassedThrough() throws IOException {
        JsonNode app = services.path("app");
        Mount models = modelsMount(app);
        assertEquals(new Mount(MODELS_MOUNT_SOURCE, "/models", true), models);
        // By default the repository's models/ folder, where models/README.md puts an exported model.
        assertEquals(ROOT.resolve("models"), ROOT.resolve(ComposeFiles.interpolate(models.source(), Map.of())).normalize());
        assertTrue(Files.isRegularFile(ROOT.resolve("models/README.md")));
        assertEquals("/data/models", ComposeFiles.interpolate(models.source(), Map.of("PERCEPTWATCH_MODELS", "/data/models")));

        Path config = copySource(jsonArray(single(runtime, "CMD")).get(2));
        assertEquals(null, Settings.load(config, containerEnvironment(app, Map.of())).scoring().modelSha256(),
                "without the variable the manifest's sha256 applies");
        String exported = "0123456789abcdef".repeat(4);
        assertEquals(exported, Settings.load(config, containerEnvironment(app,
                Map.of("PERCEPTWATCH_SCORING_MODEL_SHA256", exported))).scoring().modelSha256());
        assertEquals("lpips-squeeze", Settings.load(config, containerEnvironment(app,
                Map.of("PERCEPTWATCH_SCORING_MODEL", "lpips-squeeze"))).scoring().model());

        String docs = Files.readString(ROOT.resolve("docs/DOCKER.md"));
        for (String variable : List.of("PERCEPTWATCH_MODELS", "PERCEPTWATCH_SCORING_MODEL_SHA256")) {
            assertTrue(docs.contains(variable), "docs/DOCKER.md does not document " + variable);
        }
    }

    /** No floating tag: a rebuild or a pull next year gets the same images; the broker is the project's Kafka. */
    @Test
    void everyImageIsPinnedToAReleaseAndTheBrokerIsTheProjectsKafka() throws IOException {
        Pattern release = Pattern.compile(":v?\\d+\\.\\d+\\.\\d+[^:/]*$");
        String built = services.path("app").path("image").asText();
        services.fields().forEachRemaining(service -> {
            String image = service.getValue().path("image").asText();
            if (!image.equals(built)) {
                assertTrue(release.matcher(image).find(), service.getKey() + " runs " + image + ", not a pinned release");
            }
        });
        for (Instruction from : ComposeFiles.dockerfile().stream().filter(i -> i.keyword().equals("FROM")).toList()) {
            String image = from.arguments().split("\\s+")[0];
            assertTrue(release.matcher(image).find(), "FROM " + image + " is not a pinned release");
        }
        String syntax = Files.readAllLines(ComposeFiles.DOCKERFILE).get(0);
        assertTrue(syntax.startsWith("# syntax=") && release.matcher(syntax).find(), syntax);

        Matcher kafka = Pattern.compile("<kafka.version>(.+?)</kafka.version>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(kafka.find());
        for (String service : List.of("kafka", "topics")) {
            assertEquals("apache/kafka:" + kafka.group(1), services.path(service).path("image").asText(), service);
        }
    }

    @Test
    void dockerfileBuildsTheShadedJarAndRunsItAsANonRootUserWithAHealthcheck() throws IOException {
        List<Instruction> all = ComposeFiles.dockerfile();
        assertTrue(all.stream().anyMatch(i -> i.keyword().equals("RUN")
                && i.arguments().contains("./mvnw -B -pl streams-app -am package -DskipTests")));
        String pom = Files.readString(ROOT.resolve("streams-app/pom.xml"));
        Matcher finalName = Pattern.compile("<finalName>(.+?)</finalName>").matcher(pom);
        assertTrue(finalName.find());
        assertTrue(runtime.stream().anyMatch(i -> i.keyword().equals("COPY")
                && i.arguments().startsWith("--from=build /src/streams-app/target/" + finalName.group(1) + ".jar ")));
        assertTrue(single(runtime, "FROM").matches("eclipse-temurin:17\\.\\S+-jre"), single(runtime, "FROM"));
        String user = single(runtime, "USER");
        assertNotEquals("root", user);
        assertTrue(runtimeRuns().contains("useradd --system --gid " + user), "USER " + user + " is never created");
        String healthcheck = single(runtime, "HEALTHCHECK");
        assertTrue(healthcheck.contains("http://127.0.0.1:" + single(runtime, "EXPOSE") + "/health"), healthcheck);
        assertEquals("/models", imageEnvironment().get("PERCEPTWATCH_SCORING_MODEL_PATH"));
        assertFalse(Files.readString(ComposeFiles.DOCKERFILE).contains(".onnx"), "models are mounted, not baked in");

        List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertTrue(ignored.containsAll(List.of(".git", ".ops", "**/target", "**/*.onnx")), ignored.toString());
        assertTrue(ignored.stream().noneMatch(p -> p.startsWith("models")), "the build packages models/manifest.json");

        // The reactor build needs every module (DockerBuildContextIT builds this context for real).
        Set<String> copied = ComposeFiles.stage(all, "build").stream().filter(i -> i.keyword().equals("COPY"))
                .flatMap(i -> Stream.of(i.arguments().split("\\s+"))).map(source -> source.replaceAll("/$", ""))
                .collect(Collectors.toSet());
        Matcher module = Pattern.compile("<module>(.+?)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (module.find()) {
            assertTrue(copied.contains(module.group(1)), "the build stage does not copy the module " + module.group(1));
        }
    }

    @Test
    void prometheusScrapesTheAppAndAlertsThroughAlertmanager() {
        JsonNode prometheus = services.path("prometheus");
        String configPath = ComposeFiles.option(prometheus.path("command"), "--config.file").orElseThrow();
        Path config = ComposeFiles.hostPath(prometheus, configPath).orElseThrow(
                () -> new AssertionError(configPath + " is not mounted into prometheus"));
        assertEquals(ROOT.resolve("ops/prometheus/prometheus-compose.yml"), config);
        JsonNode parsed = ComposeFiles.yaml(config);

        JsonNode job = stream(parsed.path("scrape_configs")).filter(j -> j.path("job_name").asText().equals("perceptwatch"))
                .findFirst().orElseThrow(() -> new AssertionError("no job perceptwatch (the rules and dashboard use it)"));
        // Every replica of a scaled app: the service name resolves to all of them.
        JsonNode discovery = job.path("dns_sd_configs").path(0);
        assertEquals(List.of("app"), stream(discovery.path("names")).map(JsonNode::asText).toList());
        assertEquals(List.of("A", 9400), List.of(discovery.path("type").asText(), discovery.path("port").asInt()));
        assertTrue(ComposeFiles.publishedPorts(services.path("app")).containsValue(9400));

        String alertmanager = parsed.path("alerting").path("alertmanagers").path(0).path("static_configs").path(0)
                .path("targets").path(0).asText();
        String[] hostPort = alertmanager.split(":");
        assertTrue(services.has(hostPort[0]), alertmanager);
        assertEquals(":" + hostPort[1], ComposeFiles.option(services.path(hostPort[0]).path("command"),
                "--web.listen-address").orElseThrow());
        String alertmanagerConfig = ComposeFiles.option(services.path(hostPort[0]).path("command"), "--config.file").orElseThrow();
        assertTrue(ComposeFiles.hostPath(services.path(hostPort[0]), alertmanagerConfig).map(Files::isRegularFile).orElse(false));

        for (JsonNode rules : parsed.path("rule_files")) {
            Path inContainer = Path.of(configPath).resolveSibling(rules.asText());
            Path onHost = ComposeFiles.hostPath(prometheus, inContainer.toString()).orElseThrow();
            assertTrue(Files.isRegularFile(onHost), "rule file " + rules.asText() + " -> " + onHost);
        }
    }

    @Test
    void grafanaProvisioningPointsAtTheMountedDashboardsAndPrometheus() throws IOException {
        JsonNode grafana = services.path("grafana");
        Path provisioning = ComposeFiles.hostPath(grafana, "/etc/grafana/provisioning").orElseThrow();
        assertEquals(ROOT.resolve("grafana/provisioning"), provisioning);

        JsonNode providers = ComposeFiles.yaml(provisioning.resolve("dashboards/perceptwatch.yml")).path("providers");
        for (JsonNode provider : providers) {
            String path = provider.path("options").path("path").asText();
            Path dashboards = ComposeFiles.hostPath(grafana, path).orElseThrow(
                    () -> new AssertionError("dashboard provider path " + path + " is not mounted"));
            try (Stream<Path> files = Files.list(dashboards)) {
                assertTrue(files.anyMatch(f -> f.toString().endsWith(".json")), "no dashboards in " + dashboards);
            }
        }
        for (JsonNode datasource : ComposeFiles.yaml(provisioning.resolve("datasources/prometheus.yml")).path("datasources")) {
            URI url = URI.create(datasource.path("url").asText());
            assertTrue(services.has(url.getHost()), "datasource " + url + " names no service");
            assertTrue(ComposeFiles.publishedPorts(services.path(url.getHost())).containsValue(url.getPort()));
        }
        Map<String, String> env = ComposeFiles.environment(grafana);
        assertEquals("true", env.get("GF_AUTH_ANONYMOUS_ENABLED"));
        assertEquals("Viewer", env.get("GF_AUTH_ANONYMOUS_ORG_ROLE"));
    }

    private boolean hasHealthcheck(JsonNode service) {
        JsonNode own = service.path("healthcheck");
        if (own.path("disable").asBoolean(false)) {
            return false;
        }
        if (own.has("test")) {
            return true;
        }
        // Built from (or running the image of) the Dockerfile, which declares a HEALTHCHECK.
        String image = service.path("image").asText();
        boolean appImage = service.has("build") || stream(services).anyMatch(s -> s.has("build")
                && s.path("image").asText().equals(image));
        return appImage && runtime.stream().anyMatch(i -> i.keyword().equals("HEALTHCHECK"));
    }

    /** What the service's process sees: the image's ENV, then compose's environment, from {@code host}'s variables. */
    private Map<String, String> containerEnvironment(JsonNode service, Map<String, String> host) {
        Map<String, String> env = new HashMap<>(imageEnvironment());
        env.putAll(ComposeFiles.environment(service, host));
        return env;
    }

    private static Map<String, String> settingsVariables(JsonNode service) {
        Map<String, String> settings = new TreeMap<>(ComposeFiles.environment(service));
        settings.keySet().removeIf(name -> !name.startsWith("PERCEPTWATCH_"));
        return settings;
    }

    private static Mount modelsMount(JsonNode service) {
        return ComposeFiles.mounts(service).stream().filter(m -> m.target().equals("/models")).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at /models"));
    }

    private Map<String, String> imageEnvironment() {
        Map<String, String> env = new HashMap<>();
        runtime.stream().filter(i -> i.keyword().equals("ENV")).forEach(i -> {
            String[] kv = i.arguments().split("=", 2);
            env.put(kv[0], kv[1]);
        });
        return env;
    }

    private String runtimeRuns() {
        return runtime.stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::arguments)
                .collect(Collectors.joining(" ")).replaceAll("\\s+", " ");
    }

    /** The repository file that the runtime stage copies to {@code pathInImage}. */
    private Path copySource(String pathInImage) {
        return runtime.stream().filter(i -> i.keyword().equals("COPY") && !i.arguments().startsWith("--from"))
                .map(i -> i.arguments().split("\\s+"))
                .filter(parts -> parts[1].equals(pathInImage))
                .map(parts -> ROOT.resolve(parts[0]))
                .findFirst().orElseThrow(() -> new AssertionError(pathInImage + " is not copied into the image"));
    }

    private static String single(List<Instruction> instructions, String keyword) {
        List<String> found = instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
        if (found.size() != 1) {
            fail("expected one " + keyword + " in the runtime stage, found " + found);
        }
        return found.get(0);
    }

    private static List<String> jsonArray(String text) {
        Matcher item = Pattern.compile("\"([^\"]*)\"").matcher(text);
        List<String> items = new ArrayList<>();
        while (item.find()) {
            items.add(item.group(1));
        }
        return items;
    }

    /** {@code NAME://host:port,...} as URIs by listener name. */
    private static Map<String, URI> listeners(String list) {
        Map<String, URI> byName = new TreeMap<>();
        for (String listener : list.split(",")) {
            String name = listener.substring(0, listener.indexOf(':'));
            String address = listener.substring(listener.indexOf("//") + 2);
            byName.put(name, URI.create("kafka://" + (address.startsWith(":") ? "0.0.0.0" + address : address)));
        }
        return byName;
    }

    private static Stream<JsonNode> stream(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items.stream();
    }
}
