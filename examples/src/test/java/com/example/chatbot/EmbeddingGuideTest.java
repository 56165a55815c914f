package com.example.chatbot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/embedding.md quotes this module's programs and names the artifacts: neither may drift from the build. */
class EmbeddingGuideTest {
    private static final Path ROOT = Path.of(System.getProperty("reactor.root"));
    private static final Path EXAMPLES = ROOT.resolve("examples/src");
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL);
    private static final Pattern OUR_ARTIFACT = Pattern.compile(
            "<groupId>chat\\.orchestrator</groupId>\\s*<artifactId>([^<]+)</artifactId>(\\s*<version>([^<]+)</version>)?");

    @Test
    void everyExampleSourceIsQuotedWholeAndEveryQuotedProgramIsAnExampleSource() throws IOException {
        Map<String, String> sources = exampleSources();
        List<String> quoted = javaBlocks(guide());

        for (Map.Entry<String, String> source : sources.entrySet()) {
            assertTrue(quoted.contains(source.getValue()), source.getKey() + " is not quoted whole in docs/embedding.md"
                    + " (quote the file as it is: the guide shows what the build runs)");
        }
        for (String block : quoted) {
            if (block.startsWith("package com.example")) {
                assertTrue(sources.containsValue(block), "docs/embedding.md quotes a program that is not an example's"
                        + " source as it is now:\n" + block);
            }
        }
    }

    @Test
    void theArtifactsTheGuideNamesAreTheBomsAtTheBuildsVersion() throws IOException {
        String bom = Files.readString(ROOT.resolve("bom/pom.xml"));
        Matcher named = OUR_ARTIFACT.matcher(guide());
        List<String> artifacts = new ArrayList<>();
        while (named.find()) {
            String artifactId = named.group(1);
            artifacts.add(artifactId);
            assertTrue(artifactId.equals("orchestrator-bom") || bom.contains("<artifactId>" + artifactId + "</artifactId>"),
                    artifactId + " is named in docs/embedding.md but not in the BOM");
            if (named.group(3) != null) {
                assertEquals(System.getProperty("project.version"), named.group(3), "the version " + artifactId
                        + " is named with in docs/embedding.md");
            }
        }
        assertTrue(artifacts.contains("orchestrator-bom"), "the guide shows how to import the BOM");
        Matcher snapshot = Pattern.compile("\\d+\\.\\d+\\.\\d+-SNAPSHOT").matcher(guide());
        while (snapshot.find()) {
            assertEquals(System.getProperty("project.version"), snapshot.group(), "a version docs/embedding.md names");
        }
    }

    @Test
    void theJUnitTheGuideNamesIsTheOneTheContractSuitesAreBuiltWith() throws IOException {
        Matcher junit = Pattern.compile("<artifactId>junit-jupiter</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(guide());

        assertTrue(junit.find(), "the guide names the JUnit the contract suites need");
        assertEquals(System.getProperty("junit.version"), junit.group(1));
    }

    private static String guide() throws IOException {
        return Files.readString(ROOT.resolve("docs/embedding.md"));
    }

    private static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher block = JAVA_BLOCK.matcher(markdown);
        while (block.find()) {
            blocks.add(block.group(1));
        }
        return blocks;
    }

    /** The programs a user would write: the main sources, and the test that runs the contract suite on their adapter. */
    private static Map<String, String> exampleSources() throws IOException {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(EXAMPLES.resolve("main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.put(EXAMPLES.relativize(file).toString(), Files.readString(file).stripTrailing());
            }
        }
        Path contractTest = EXAMPLES.resolve("test/java/com/example/chatbot/MapJobsContractTest.java");
        sources.put(EXAMPLES.relativize(contractTest).toString(), Files.readString(contractTest).stripTrailing());
        assertTrue(sources.containsKey("main/java/com/example/chatbot/InMemoryChatBot.java"), "read: " + sources.keySet());
        return sources;
    }
}
