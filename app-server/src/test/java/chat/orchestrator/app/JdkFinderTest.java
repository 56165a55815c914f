package chat.orchestrator.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * .mvn/jdk.sh, which ./build and ./serve source so that the README's commands work where the default java is older
 * than 21: it finds a JDK 21+ among the install places, and says what to install when there is none.
 */
class JdkFinderTest {
    private static final Path SCRIPT = Path.of("..", ".mvn", "jdk.sh").toAbsolutePath().normalize();
    /** The JDK running this test: 21 or newer, since the build requires it. */
    private static final String THIS_JDK = Path.of(System.getProperty("java.home")).toString();

    @TempDir
    Path dir;

    /** A JDK home whose java says it is version 17, as the build machines' default one. */
    private Path oldJdk() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("jdk-17").resolve("bin"));
        for (String tool : new String[] {"java", "javac"}) {
            Path file = bin.resolve(tool);
            Files.writeString(file, "#!/bin/sh\necho 'openjdk version \"17.0.15\" 2025-04-15' >&2\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin.getParent();
    }

    /** A directory with only the tools the script uses besides java, so no java of this machine is on the path. */
    private String toolsOnly() throws IOException {
        Path tools = Files.createDirectories(dir.resolve("tools"));
        for (String tool : new String[] {"sed", "head"}) {
            for (String place : new String[] {"/usr/bin/", "/bin/"}) {
                if (Files.isExecutable(Path.of(place + tool)) && !Files.exists(tools.resolve(tool))) {
                    Files.createSymbolicLink(tools.resolve(tool), Path.of(place + tool));
                }
            }
        }
        return tools.toString();
    }

    private record Result(int exit, String out, String err) {
    }

    private Result source(Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", ". \"$0\" && printf '%s\\n' \"$JAVA_HOME\"", SCRIPT.toString());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("HOME", dir.toString());
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip(),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void anOlderJavaHomeAndJavaOnThePath_arePassedOverForAJdk21InAnInstallPlace() throws Exception {
        Path old = oldJdk();

        Result result = source(Map.of("JAVA_HOME", old.toString(), "PATH", old.resolve("bin") + ":" + toolsOnly(),
                "JDK_CANDIDATES", old + " " + THIS_JDK));

        assertEquals(0, result.exit(), result.err());
        assertEquals(THIS_JDK, result.out());
    }

    @Test
    void aJavaHomeOf21OrNewer_isKept() throws Exception {
        Result result = source(Map.of("JAVA_HOME", THIS_JDK, "PATH", toolsOnly(), "JDK_CANDIDATES", "/nonexistent"));

        assertEquals(0, result.exit(), result.err());
        assertEquals(THIS_JDK, result.out());
    }

    @Test
    void withNoJdk21Anywhere_theFirstLineSaysSoAndTheOutputSaysWhatToInstall() throws Exception {
        Path old = oldJdk();

        Result result = source(Map.of("JAVA_HOME", old.toString(), "PATH", old.resolve("bin") + ":" + toolsOnly(),
                "JDK_CANDIDATES", old.toString()));

        assertNotEquals(0, result.exit());
        assertTrue(result.err().lines().findFirst().orElse("").startsWith("No JDK 21 or newer found"), result.err());
        assertTrue(result.err().contains("openjdk-21-jdk"), result.err());
        assertEquals("", result.out());
    }
}
