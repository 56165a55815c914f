package com.example.chatbot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What an embedder gets from the published artifacts: the BOM names every library module of the build at the build's
 * version, and each library's jar has a stable module name. Runs after {@code package} (failsafe), on the jars the
 * reactor hands this module, since the name is in the jar's manifest and nowhere before it.
 */
class LibraryArtifactsIT {
    /**
     * Modules of the build that are not libraries to embed: the server, the benchmarks, these examples, the BOM, and
     * the simulation (tests only).
     */
    private static final Set<String> NOT_LIBRARIES = Set.of("app-server", "benchmarks", "examples", "bom", "simulation");
    private static final Path ROOT = Path.of(System.getProperty("reactor.root"));
    private static final String VERSION = System.getProperty("project.version");

    @Test
    void theBomNamesEveryLibraryModuleAndTheContractSuitesAtTheBuildsVersion() throws Exception {
        Document bom = xml(ROOT.resolve("bom/pom.xml"));
        assertEquals(VERSION, text(bom.getDocumentElement(), "version"), "the BOM's version is the build's");

        Set<String> managed = new TreeSet<>();
        Set<String> testJars = new TreeSet<>();
        NodeList dependencies = bom.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            assertEquals("chat.orchestrator", text(dependency, "groupId"));
            assertEquals("${project.version}", text(dependency, "version"));
            ("test-jar".equals(text(dependency, "type")) ? testJars : managed).add(text(dependency, "artifactId"));
        }

        assertEquals(libraryArtifactIds(), managed);
        assertEquals(Set.of("orchestrator-core"), testJars);
    }

    @Test
    void everyLibraryJarNamesItsModuleAndTheyResolveTogetherOnTheModulePath() throws Exception {
        Map<String, Path> jars = new LinkedHashMap<>();
        for (String artifactId : libraryArtifactIds()) {
            jars.put(artifactId, jarOnClassPath(artifactId));
        }
        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, String> actual = new LinkedHashMap<>();
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            expected.put(jar.getKey(), "chat.orchestrator." + jar.getKey().replaceFirst("^(adapter|orchestrator)-", ""));
            try (JarFile file = new JarFile(jar.getValue().toFile())) {
                actual.put(jar.getKey(), file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
            }
        }
        assertEquals(expected, actual);

        // Legal names, and no package in two of them: what the module system checks when an application uses them.
        ModuleFinder finder = ModuleFinder.of(jars.values().toArray(Path[]::new));
        Configuration resolved = Configuration.resolve(finder, List.of(ModuleLayer.boot().configuration()),
                ModuleFinder.of(), Set.copyOf(expected.values()));
        assertEquals(Set.copyOf(expected.values()),
                finder.findAll().stream().map(ModuleReference::descriptor).map(d -> d.name()).collect(Collectors.toSet()));
        assertEquals(expected.size(), resolved.modules().size());
    }

    /** The reactor's modules, less those that are not libraries. */
    private static Set<String> libraryArtifactIds() throws Exception {
        Document parent = xml(ROOT.resolve("pom.xml"));
        NodeList modules = parent.getElementsByTagName("module");
        Set<String> libraries = new TreeSet<>();
        for (int i = 0; i < modules.getLength(); i++) {
            String module = modules.item(i).getTextContent().trim();
            if (!NOT_LIBRARIES.contains(module)) {
                Document pom = xml(ROOT.resolve(module).resolve("pom.xml"));
                assertEquals(module, text(pom.getDocumentElement(), "artifactId"), "a module's directory is its name");
                libraries.add(module);
            }
        }
        assertTrue(libraries.contains("orchestrator-core"), "the core is a library: " + libraries);
        return libraries;
    }

    private static Path jarOnClassPath(String artifactId) {
        String name = artifactId + "-" + VERSION + ".jar";
        List<String> entries = new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        return entries.stream().map(Path::of).filter(path -> path.getFileName().toString().equals(name))
                .filter(Files::isRegularFile).findFirst()
                .orElseGet(() -> fail(name + " is not on the class path: examples/pom.xml must depend on every library"
                        + " (test scope will do); class path: " + entries));
    }

    private static Document xml(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    /** The text of {@code element}'s own child named {@code tag} (not a nested one's), or empty. */
    private static String text(Element element, String tag) {
        return Stream.iterate(element.getFirstChild(), node -> node != null, node -> node.getNextSibling())
                .filter(node -> node instanceof Element child && child.getTagName().equals(tag))
                .map(node -> node.getTextContent().trim()).findFirst().orElse("");
    }
}
