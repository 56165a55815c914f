# syntax=docker/dockerfile:1
# The server image: built with Maven on a JDK 21, run on a JRE 21 as an unprivileged user.
#   docker build -t chat-orchestrator .
#   docker run --rm -p 8000:8000 chat-orchestrator      (the embedded default; see docs/operations.md)

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
# The Maven repository is a build cache, kept between builds and out of the image.
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q -DskipTests package

FROM eclipse-temurin:21-jre
# curl for the health check only.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin orchestrator
WORKDIR /app
COPY --from=build /src/app-server/target/libs/ libs/
COPY --from=build /src/app-server/target/app-server.jar app-server.jar
USER 10001
ENV API_HOST=0.0.0.0 API_PORT=8000
EXPOSE 8000
# Readiness, not liveness: an instance whose stores are down, or that is shutting down, is not healthy to route to.
HEALTHCHECK --interval=10s --timeout=3s --start-period=40s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8000/health/ready || exit 1
# The JVM gets SIGTERM directly (exec form): the server drains and exits within 30 s. Class data sharing: a
# container's first start writes the archive of the classes it loaded to /tmp, its restarts map it (faster starts,
# docs/performance.md).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:SharedArchiveFile=/tmp/app-server.jsa", \
            "-XX:+AutoCreateSharedArchive", "-Xlog:cds=off,cds+dynamic=off", "-jar", "/app/app-server.jar"]
