# limiter-operator image: built from source in a JDK stage, run on a distroless JRE as non-root.
#   docker build -t ghcr.io/limiter-dev/limiter-operator:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY limiter-testkit/ limiter-testkit/
COPY limiter-runtime/ limiter-runtime/
COPY operator/ operator/
COPY sandbox/pom.xml sandbox/pom.xml
COPY deploy/pom.xml deploy/pom.xml
COPY crds/ crds/
RUN mvn -B -ntp -pl operator -am -DskipTests package

FROM gcr.io/distroless/java17-debian12:nonroot
WORKDIR /app
COPY --from=build /src/operator/target/lib/ /app/lib/
COPY --from=build /src/operator/target/limiter-operator.jar /app/limiter-operator.jar
# 65532 is distroless' nonroot user; the chart and kustomize run with a read-only root filesystem and /tmp as emptyDir.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/bin/java", "-jar", "/app/limiter-operator.jar"]
