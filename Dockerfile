# syntax=docker/dockerfile:1.17.0
# The PerceptWatch service image. Models are not baked in: mount a directory with the ONNX files at /models
# (docker-compose.yml does). Without the model the service stops at start-up naming the file it looked for.
#   docker build -t perceptwatch .
#   docker run -v /path/to/models:/models:ro -e PERCEPTWATCH_KAFKA_BOOTSTRAP_SERVERS=... perceptwatch
# Every image is pinned to a release (the frontend above too), so a rebuild next year builds the same thing;
# DockerBuildContextIT builds exactly this build stage's COPY context, offline, on every test run.

# --- build: the shaded jar, with the Maven version pinned by the wrapper -----------------------------------
FROM eclipse-temurin:17.0.17_10-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
# Every module of the root pom (the reactor build needs them all).
COPY schemas/ schemas/
COPY client/ client/
# models/manifest.json is packaged into the jar (the ONNX files are excluded by .dockerignore).
COPY models/ models/
COPY streams-app/ streams-app/
# The cache mount keeps ~/.m2 between builds, so only changed dependencies are downloaded again.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -pl streams-app -am package -DskipTests

# --- runtime -------------------------------------------------------------------------------------------------
FROM eclipse-temurin:17.0.17_10-jre
RUN groupadd --system perceptwatch \
 && useradd --system --gid perceptwatch --home-dir /var/lib/perceptwatch --shell /usr/sbin/nologin perceptwatch \
 && mkdir -p /var/lib/perceptwatch/state /models \
 && chown -R perceptwatch:perceptwatch /var/lib/perceptwatch
COPY --from=build /src/streams-app/target/perceptwatch.jar /opt/perceptwatch/perceptwatch.jar
COPY ops/docker/perceptwatch.properties /etc/perceptwatch/perceptwatch.properties
ENV PERCEPTWATCH_SCORING_MODEL_PATH=/models
USER perceptwatch
WORKDIR /var/lib/perceptwatch
# /metrics, /health, /ready
EXPOSE 9400
# The temurin images (Ubuntu) ship curl. /health is liveness: readiness (/ready) also needs Kafka.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:9400/health || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/perceptwatch/perceptwatch.jar"]
CMD ["run", "--config", "/etc/perceptwatch/perceptwatch.properties"]
