# One image recipe for every service of the lab. docker-compose.yml builds it once per service
# with MODULE set (the Maven module: id-generator, rate-limiter, ...):
#
#   docker build --build-arg MODULE=rate-limiter -t lab/rate-limiter:dev .
#
# Stage 1 builds every service module of the reactor at once. Its layers do not depend on MODULE,
# so the first service of a `docker compose up --build` runs Maven and every other service reuses
# the cached layers. Dependencies are a layer of their own, rebuilt only when a POM changes.
# Stage 2 is the runtime: a JRE, the module's jar extracted into Spring Boot's layers, a non-root
# user, curl for the health check. No BuildKit-only syntax (the legacy builder must build it) and
# no architecture-specific pins: both base images are multi-arch.

ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-25
ARG RUNTIME_IMAGE=eclipse-temurin:25-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
ENV MAVEN_OPTS="-Xmx768m -XX:+UseSerialGC"

# Every module's POM (the compose test checks this list against the reactor's modules).
COPY pom.xml ./
COPY platform/pom.xml platform/
COPY local-cluster/pom.xml local-cluster/
COPY id-generator/pom.xml id-generator/
COPY rate-limiter/pom.xml rate-limiter/
COPY kv-store/pom.xml kv-store/
COPY payments-processor/pom.xml payments-processor/
COPY payments/pom.xml payments/
COPY gateway/pom.xml gateway/
COPY message-queue/pom.xml message-queue/
COPY load-tests/pom.xml load-tests/
COPY cluster-tests/pom.xml cluster-tests/
RUN mvn -B -ntp -q dependency:go-offline -pl '!cluster-tests'

COPY . .
RUN mvn -B -ntp package -Dmaven.test.skip=true -pl '!cluster-tests' \
 && mkdir -p /layers \
 && for jar in */target/*.jar; do \
      module="${jar%%/*}"; \
      if [ "$jar" = "$module/target/$module.jar" ] && java -Djarmode=tools -jar "$jar" list-layers >/dev/null 2>&1; then \
        java -Djarmode=tools -jar "$jar" extract --layers --launcher --destination "/layers/$module"; \
      fi; \
    done \
 && ls /layers

FROM ${RUNTIME_IMAGE}
ARG MODULE
RUN set -eu; \
    if [ -z "${MODULE:-}" ]; then echo "build with --build-arg MODULE=<service module>" >&2; exit 1; fi; \
    curl --version >/dev/null; \
    groupadd --system --gid 10001 lab; \
    useradd --system --uid 10001 --gid lab --home-dir /app --shell /usr/sbin/nologin lab; \
    mkdir -p /app /data; \
    chown lab:lab /data
WORKDIR /app
COPY --from=build /layers/${MODULE}/dependencies/ ./
COPY --from=build /layers/${MODULE}/spring-boot-loader/ ./
COPY --from=build /layers/${MODULE}/snapshot-dependencies/ ./
COPY --from=build /layers/${MODULE}/application/ ./
USER lab:lab
# 0.0.0.0 inside the container's own network namespace: its peers reach it by service name there,
# and what reaches it from outside is what compose publishes (on 127.0.0.1) or what Kubernetes'
# NetworkPolicies admit (docs/security.md). ./cluster up, outside containers, binds 127.0.0.1.
ENV SERVER_ADDRESS=0.0.0.0 \
    DATA_DIR=/data \
    LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs \
    JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED"
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=300s --retries=6 \
  CMD curl -fsS -o /dev/null http://localhost:8080/actuator/health/readiness || exit 1
# exec: the JVM is PID 1 and gets SIGTERM for its graceful shutdown.
ENTRYPOINT ["/bin/sh", "-c", "exec java $JAVA_OPTS org.springframework.boot.loader.launch.JarLauncher \"$@\"", "--"]
