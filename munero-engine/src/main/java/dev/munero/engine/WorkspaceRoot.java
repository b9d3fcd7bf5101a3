package dev.munero.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The workspace a directory belongs to, found by searching upward from it as git, turbo, nx and Cargo do, so
 * that {@code munero build} run inside a package builds the workspace that package is part of.
 *
 * <p>The search goes from {@code start} to its ancestors and stops at the first directory that has
 * <ol>
 *   <li>a {@code munero.yaml}; or</li>
 *   <li>the top of a workspace of another build tool: a {@code package.json} with {@code workspaces}, a
 *       {@code pnpm-workspace.yaml}, {@code turbo.json} or {@code nx.json}, a {@code Cargo.toml} with a
 *       {@code [workspace]} table, a {@code go.work}, a {@code settings.gradle(.kts)}, or a {@code pom.xml}
 *       whose {@code <modules>} list the directory the search came from (or any module, at {@code start});
 *       from a Maven reactor the search goes on up while the next {@code pom.xml} lists the reactor, so nested
 *       reactors resolve to the outermost one.</li>
 * </ol>
 * It never goes above the git top-level (a directory holding {@code .git}, a directory or, in a worktree or
 * submodule, a file), and never into the file-system root, the home directory or the temporary directory
 * unless the search starts there (outside git, nothing else bounds it). When nothing is found the root is the
 * git top-level, or {@code start} itself outside git.
 *
 * <p>Build files that cannot be read or parsed are not markers; detection reports them later. Stateless and
 * thread-safe; each call reads the file system afresh.
 *
 * @param root   absolute, normalised workspace root
 * @param start  absolute, normalised directory the search started from
 * @param reason what made {@code root} the root, for messages: {@code munero.yaml}, {@code package.json
 *               workspaces}, {@code git top-level}, {@code the directory given} ...
 */
public record WorkspaceRoot(Path root, Path start, String reason) {
    private static final Pattern CARGO_WORKSPACE = Pattern.compile("(?m)^\\s*\\[workspace]");

    /**
     * Searches upward from {@code start} (see the class comment).
     *
     * @param start a directory; relative paths resolve against the JVM's working directory. A path that is
     *              not a directory is returned as its own root, so that opening it reports the problem.
     */
    public static WorkspaceRoot find(Path start) {
        Path from = start.toAbsolutePath().normalize();
        if (!Files.isDirectory(from)) {
            return new WorkspaceRoot(from, from, "the directory given");
        }
        Set<Path> ceilings = ceilings();
        Path found = null;
        String reason = null;
        Path child = null;
        for (Path d = from; d != null; child = d, d = d.getParent()) {
            if (!d.equals(from) && ceilings.contains(d)) {
                break;
            }
            if (found == null) {
                if (Files.isRegularFile(d.resolve("munero.yaml"))) {
                    return new WorkspaceRoot(d, from, "munero.yaml");
                }
                reason = marker(d, child);
                if (reason != null) {
                    found = d;
                }
            } else if (reason.startsWith("pom.xml") && listsModule(d, child)) {
                found = d; // a reactor inside a reactor: the outer one builds both
            } else {
                break;
            }
            if (Files.exists(d.resolve(".git"))) {
                return found != null ? new WorkspaceRoot(found, from, reason) : new WorkspaceRoot(d, from, "git top-level");
            }
        }
        return found != null ? new WorkspaceRoot(found, from, reason) : new WorkspaceRoot(from, from, "the directory given");
    }

    /** Holds the mapper, made on first use. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }

    /** Where the search started, relative to the root, {@code /}-separated; {@code "."} at the root. */
    public String startRelative() {
        Path rel = root.relativize(start);
        return rel.toString().isEmpty() ? "." : rel.toString().replace(java.io.File.separatorChar, '/');
    }

    private static Set<Path> ceilings() {
        Set<Path> out = new java.util.HashSet<>();
        for (String p : new String[] {System.getProperty("user.home"), System.getProperty("java.io.tmpdir"), "/tmp"}) {
            if (p != null && !p.isBlank()) {
                Path path = Path.of(p).toAbsolutePath().normalize();
                out.add(path);
                try {
                    out.add(path.toRealPath());
                } catch (IOException e) {
                    // it does not exist: the path alone is enough
                }
            }
        }
        return out;
    }

    /** Why {@code dir} is the top of a workspace, or null; {@code child} is the directory the search came from. */
    private static String marker(Path dir, Path child) {
        for (String name : new String[] {"pnpm-workspace.yaml", "turbo.json", "nx.json", "go.work", "settings.gradle",
                "settings.gradle.kts"}) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return name;
            }
        }
        Path pkg = dir.resolve("package.json");
        try {
            // parsed only when the word is there: a JSON mapper costs a cold start more than the whole search
            String text = Files.isRegularFile(pkg) ? Files.readString(pkg) : "";
            if (text.contains("\"workspaces\"")) {
                JsonNode workspaces = Json.MAPPER.readTree(text).get("workspaces");
                if (workspaces != null && !workspaces.isNull()) {
                    return "package.json workspaces";
                }
            }
        } catch (IOException | JacksonException e) {
            // not a marker; detection reports the file
        }
        Path cargo = dir.resolve("Cargo.toml");
        try {
            if (Files.isRegularFile(cargo) && CARGO_WORKSPACE.matcher(Files.readString(cargo)).find()) {
                return "Cargo.toml [workspace]";
            }
        } catch (IOException | RuntimeException e) {
            // not a marker; detection reports the file
        }
        return listsModule(dir, child) ? "pom.xml modules" : null;
    }

    /** Whether {@code dir/pom.xml} lists {@code child} among its modules (any module when child is null). */
    private static boolean listsModule(Path dir, Path child) {
        Path pom = dir.resolve("pom.xml");
        if (!Files.isRegularFile(pom)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(pom)) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            javax.xml.parsers.DocumentBuilder builder = f.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler()); // the JDK's default prints to stderr
            NodeList modules = builder.parse(in).getElementsByTagName("module");
            for (int i = 0; i < modules.getLength(); i++) {
                Node m = modules.item(i);
                if (!(m.getParentNode() instanceof Element parent) || !"modules".equals(parent.getTagName())) {
                    continue;
                }
                if (child == null || dir.resolve(m.getTextContent().trim()).normalize().equals(child)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | ParserConfigurationException | SAXException | RuntimeException e) {
            return false; // not a marker; detection reports the file
        }
    }
}
