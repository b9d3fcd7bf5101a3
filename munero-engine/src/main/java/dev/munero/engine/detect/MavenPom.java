package dev.munero.engine.detect;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The parts of one pom.xml that matter for the step graph. Elements are matched by local name, so poms
 * with and without the {@code http://maven.apache.org/POM/4.0.0} namespace read the same. Profiles are
 * not read.
 *
 * @param file         the pom, relative to the repository root
 * @param groupId      own groupId, else the parent's; may contain unresolved {@code ${...}}
 * @param artifactId   the artifactId
 * @param packaging    packaging, {@code jar} when absent
 * @param modules      {@code <modules>} and Maven 4 {@code <subprojects>} entries, as written
 * @param parent       the {@code <parent>} coordinates, if any
 * @param dependencies coordinates of {@code <dependencies>} and of {@code <build><plugins>} and
 *                     {@code <build><extensions>}, which Maven also uses to order a reactor; values may
 *                     contain {@code ${...}}
 * @param properties   {@code <properties>} of this pom
 * @param name         the {@code <name>} element as written, empty when absent
 */
record MavenPom(
        Path file,
        String groupId,
        String artifactId,
        String packaging,
        List<String> modules,
        Optional<Coordinates> parent,
        List<Coordinates> dependencies,
        Map<String, String> properties,
        String name) {

    /** groupId and artifactId of a Maven project. */
    record Coordinates(String groupId, String artifactId) {
    }

    MavenPom {
        modules = List.copyOf(modules);
        dependencies = List.copyOf(dependencies);
        properties = Map.copyOf(properties);
    }

    /** The pom's directory relative to the repository root. */
    Path dir() {
        return RelPaths.parentOf(file);
    }

    Coordinates coordinates() {
        return new Coordinates(groupId, artifactId);
    }

    boolean isPomPackaging() {
        return "pom".equals(packaging);
    }

    /**
     * Parses a pom.
     *
     * @throws DetectionException when the file is not well-formed XML, its root element is not
     *                            {@code <project>}, or it has no artifactId or no groupId of its own or
     *                            of its parent
     */
    static MavenPom read(RepoTree tree, Path file) throws DetectionException {
        Document doc = BuildFiles.xml(tree, file);
        Element project = doc.getDocumentElement();
        if (!"project".equals(name(project))) {
            throw BuildFiles.problem(file, "not a Maven POM: the root element is <" + name(project) + ">, not <project>");
        }
        Optional<Coordinates> parent = child(project, "parent")
                .map(p -> new Coordinates(text(p, "groupId"), text(p, "artifactId")));
        String artifactId = text(project, "artifactId");
        if (artifactId.isEmpty()) {
            throw BuildFiles.problem(file, "<project> has no <artifactId>");
        }
        String groupId = text(project, "groupId");
        if (groupId.isEmpty()) {
            groupId = parent.map(Coordinates::groupId).orElse("");
        }
        if (groupId.isEmpty()) {
            throw BuildFiles.problem(file, "<project> has no <groupId> and no <parent> to inherit one from");
        }
        String packaging = text(project, "packaging");
        List<String> modules = new ArrayList<>();
        for (String list : List.of("modules", "subprojects")) {
            child(project, list).ifPresent(m -> children(m).forEach(e -> {
                String t = e.getTextContent().trim();
                if (!t.isEmpty()) {
                    modules.add(t);
                }
            }));
        }
        List<Coordinates> deps = new ArrayList<>();
        child(project, "dependencies").ifPresent(d -> collect(d, deps));
        child(project, "build").ifPresent(b -> {
            child(b, "plugins").ifPresent(p -> collect(p, deps));
            child(b, "extensions").ifPresent(x -> collect(x, deps));
        });
        Map<String, String> properties = new LinkedHashMap<>();
        child(project, "properties").ifPresent(p -> children(p).forEach(e -> properties.put(name(e), e.getTextContent().trim())));
        return new MavenPom(file, groupId, artifactId, packaging.isEmpty() ? "jar" : packaging, modules, parent, deps,
                properties, text(project, "name"));
    }

    private static void collect(Element list, List<Coordinates> into) {
        for (Element e : children(list)) {
            String artifactId = text(e, "artifactId");
            if (!artifactId.isEmpty()) {
                // A plugin without groupId defaults to org.apache.maven.plugins; a dependency must have one.
                String groupId = text(e, "groupId");
                into.add(new Coordinates(groupId.isEmpty() ? "org.apache.maven.plugins" : groupId, artifactId));
            }
        }
    }

    private static String name(Node n) {
        return n.getLocalName() != null ? n.getLocalName() : n.getNodeName();
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    private static Optional<Element> child(Element parent, String localName) {
        return children(parent).stream().filter(e -> localName.equals(name(e))).findFirst();
    }

    private static String text(Element parent, String localName) {
        return child(parent, localName).map(e -> e.getTextContent().trim()).orElse("");
    }
}
