package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No container engine runs on the build machines: this checks what can be checked without one. docker-compose.yml
 * parses, has the topology docs/operations.md describes, passes only variables the server knows, lets every variable
 * of environment.example (copied to .env) reach the instances, and agrees with deploy/nginx.conf and the Dockerfile on
 * ports, body size and timeouts.
 */
class ComposeFileTest {
    private static final Path ROOT = Path.of("..");
    private static final List<String> APPS = List.of("app-1", "app-2", "app-3");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> compose() throws IOException {
        return new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) throws IOException {
        Map<String, Object> services = (Map<String, Object>) compose().get("services");
        return (Map<String, Object>) services.get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(String app) throws IOException {
        return (Map<String, Object>) service(app).get("environment");
    }

    private static Set<String> documentedVariables() throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^#? ?([A-Z][A-Z0-9_]*)=").matcher(Files.readString(ROOT.resolve("environment.example")));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The value environment.example gives a variable that it sets (not commented out): what .env starts with. */
    private static String documentedValue(String name) throws IOException {
        Matcher m = Pattern.compile("(?m)^" + name + "=(.*)$").matcher(Files.readString(ROOT.resolve("environment.example")));
        assertTrue(m.find(), "environment.example sets " + name);
        return m.group(1).strip();
    }

    /** The files of a service's env_file entry, in either of its forms (a path, or a list of paths or of {path:}). */
    @SuppressWarnings("unchecked")
    private static List<String> envFiles(String app) throws IOException {
        Object entry = service(app).get("env_file");
        if (entry == null) {
            return List.of();
        }
        if (entry instanceof String path) {
            return List.of(path);
        }
        return ((List<Object>) entry).stream()
                .map(e -> e instanceof Map<?, ?> m ? String.valueOf(m.get("path")) : String.valueOf(e))
                .toList();
    }

    /** True when a compose value is the variable itself, interpolated from .env: ${NAME}, ${NAME:-x}, ${NAME:?x}... */
    private static boolean interpolatesItself(String name, Object value) {
        return value != null && Pattern.matches("\\$\\{" + name + "(?:[:]?[-?][^}]*)?}", String.valueOf(value));
    }

    @Test
    @SuppressWarnings("unchecked")
    void threeInstancesBehindNginx_onOneRedisAndOnePostgres() throws IOException {
        Map<String, Object> services = (Map<String, Object>) compose().get("services");
        assertEquals(Set.of("app-1", "app-2", "app-3", "nginx", "redis", "postgres"), services.keySet());
        for (String app : APPS) {
            Map<String, Object> env = environment(app);
            assertEquals("redis://redis:6379/0", env.get("REDIS_URL"), app);
            assertTrue(String.valueOf(env.get("DATABASE_URL")).contains("@postgres:5432/"), app);
            assertEquals("30s", service(app).get("stop_grace_period"), app + ": the server's shutdown budget");
        }
        assertEquals(List.of("8000:80"), service("nginx").get("ports"));
        assertEquals(List.of("./deploy/nginx.conf:/etc/nginx/nginx.conf:ro"), service("nginx").get("volumes"));
        assertTrue(Files.exists(ROOT.resolve("deploy/nginx.conf")));
    }

    @Test
    void theInstancesGetOnlyVariablesTheServerKnows() throws IOException {
        Set<String> known = documentedVariables();
        for (String app : APPS) {
            Set<String> unknown = new TreeSet<>(environment(app).keySet());
            unknown.removeAll(known);
            assertEquals(Set.of(), unknown, app + " sets variables environment.example does not list");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyDocumentedVariableReachesTheInstances_andOnlyTheTopologyIsFixed() throws IOException {
        Map<String, Object> fixed = (Map<String, Object>) compose().get("x-topology");
        Set<String> topology = fixed.keySet();
        for (String app : APPS) {
            assertTrue(envFiles(app).stream().anyMatch(f -> Path.of(f).normalize().equals(Path.of(".env"))),
                    app + " has no env_file entry for .env (cp environment.example .env): its variables would not reach"
                            + " the container");
            Map<String, Object> env = environment(app);
            Set<String> blocked = new TreeSet<>();
            for (String name : documentedVariables()) {
                if (env.containsKey(name) && !topology.contains(name) && !interpolatesItself(name, env.get(name))) {
                    blocked.add(name + "=" + env.get(name));
                }
            }
            assertEquals(Set.of(), blocked, app + " sets documented variables to its own values, over .env's (only"
                    + " x-topology's " + topology + " may be fixed by the compose file)");
            for (String name : topology) {
                assertEquals(fixed.get(name), env.get(name), app + " gets x-topology's " + name);
            }
        }
    }

    @Test
    void interpolatesItself_tellsDotEnvsOwnValueFromAFixedOne() {
        assertTrue(interpolatesItself("LOG_LEVEL", "${LOG_LEVEL}"));
        assertTrue(interpolatesItself("LOG_LEVEL", "${LOG_LEVEL:-INFO}"));
        assertTrue(interpolatesItself("ADMIN_ACCESS_TOKEN", "${ADMIN_ACCESS_TOKEN:?set it in .env}"));
        assertTrue(!interpolatesItself("LOG_LEVEL", "INFO"));
        assertTrue(!interpolatesItself("LOG_LEVEL", "${DEBUG_LEVEL:-INFO}"));
        assertTrue(!interpolatesItself("LOG_LEVEL", "${LOG_LEVEL}-x"));
    }

    @Test
    void nginxTheDockerfileAndComposeAgreeOnPortsBodySizeAndTimeouts() throws IOException {
        String nginx = Files.readString(ROOT.resolve("deploy/nginx.conf"));
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        Map<String, Object> env = environment("app-1");
        String port = String.valueOf(env.get("API_PORT"));
        for (String app : APPS) {
            assertTrue(nginx.contains("server " + app + ":" + port + " "), "nginx's upstream lists " + app);
        }
        assertTrue(dockerfile.contains("EXPOSE " + port));
        assertTrue(dockerfile.contains("http://127.0.0.1:" + port + "/health/ready"), "the health check asks readiness");

        // The instances take these two from .env, which starts as environment.example: nginx.conf follows its values.
        long maxBody = Long.parseLong(documentedValue("MAX_REQUEST_BODY_BYTES"));
        assertEquals(maxBody / 1024 + "k", directive(nginx, "client_max_body_size"), "nginx's body limit is the server's");
        int answerWait = Integer.parseInt(documentedValue("ANSWER_WAIT_SECONDS"));
        int readTimeout = Integer.parseInt(directive(nginx, "proxy_read_timeout").replace("s", ""));
        assertTrue(readTimeout > answerWait, "nginx waits longer (" + readTimeout + " s) than the sync endpoint ("
                + answerWait + " s)");
        assertTrue(nginx.contains("proxy_set_header X-Request-Id"), "nginx passes X-Request-Id on");
        assertTrue(nginx.contains("keepalive "), "nginx keeps upstream connections alive");
    }

    @Test
    void theImageRunsAsAnUnprivilegedUserOnAJre21() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("Dockerfile"));
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertEquals(2, froms.size(), "a build stage and a runtime stage");
        assertTrue(froms.getFirst().contains("temurin-21") && froms.getFirst().endsWith(" AS build"), froms.getFirst());
        assertTrue(froms.getLast().contains("21-jre"), froms.getLast());
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root");
        assertTrue(!user.equals("USER root") && !user.equals("USER 0"), user);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("HEALTHCHECK ")));
    }

    private static String directive(String config, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*" + name + "\\s+([^;]+);").matcher(config);
        assertTrue(m.find(), name + " is set");
        return m.group(1).strip();
    }
}
