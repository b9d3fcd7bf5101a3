package dev.munero.engine.detect;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Reads build files into trees, turning every I/O and syntax problem into a {@link DetectionException}
 * whose message starts with {@code file:line:column} (relative to the repository root) where the parser
 * reports a position.
 *
 * <p>Thread-safe: the Jackson mappers are shared (they are thread-safe once built); XML and YAML parsers
 * are created per call.
 */
final class BuildFiles {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Built on first use: most repositories have no TOML build file, and a mapper costs a cold JVM ~10 ms. */
    private static final class Toml {
        static final TomlMapper MAPPER = TomlMapper.builder().build();
    }
    private static final String HINT = "; fix the file, or describe the build in a munero.yaml so that auto-detection is not used";

    private BuildFiles() {
    }

    /** The file's text; bytes that are not UTF-8 become U+FFFD rather than failing. */
    static String read(RepoTree tree, Path rel) throws DetectionException {
        try {
            return new String(Files.readAllBytes(tree.root().resolve(rel)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DetectionException(RelPaths.str(rel) + ": cannot read: " + e, e);
        }
    }

    /** The file parsed as JSON. */
    static JsonNode json(RepoTree tree, Path rel) throws DetectionException {
        String text = read(tree, rel);
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            throw invalid(rel, "JSON", e);
        }
    }

    /**
     * JSON as turbo.json and nx.json are written: comments and trailing commas allowed. Built on first use, as
     * most repositories have neither file.
     */
    private static final class JsonWithComments {
        static final JsonMapper MAPPER = JsonMapper.builder()
                .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
                .build();
    }

    /** The file parsed as JSON that may contain {@code //} and {@code /* *}{@code /} comments and trailing commas. */
    static JsonNode jsonWithComments(RepoTree tree, Path rel) throws DetectionException {
        String text = read(tree, rel);
        try {
            return JsonWithComments.MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw invalid(rel, "JSON", e);
        }
    }

    /** The file parsed as TOML. */
    static JsonNode toml(RepoTree tree, Path rel) throws DetectionException {
        String text = read(tree, rel);
        try {
            return Toml.MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw invalid(rel, "TOML", e);
        }
    }

    /** The file's single YAML document as plain Java maps, lists and scalars; null for an empty file. */
    static Object yaml(RepoTree tree, Path rel) throws DetectionException {
        String text = read(tree, rel);
        try {
            return new Load(LoadSettings.builder().setLabel(RelPaths.str(rel)).build()).loadFromString(text);
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark()
                    .map(m -> ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1))
                    .orElse("");
            throw new DetectionException(RelPaths.str(rel) + where + ": not valid YAML: " + e.getProblem() + HINT, e);
        } catch (YamlEngineException e) {
            throw new DetectionException(RelPaths.str(rel) + ": not valid YAML: " + e.getMessage() + HINT, e);
        }
    }

    /**
     * The file parsed as namespace-aware XML; document type declarations are refused so that no external
     * entity is ever fetched.
     */
    static Document xml(RepoTree tree, Path rel) throws DetectionException {
        String text = read(tree, rel);
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new ErrorHandler() {
                // The default handler prints to stderr before throwing; the exception alone is enough.
                @Override
                public void warning(SAXParseException e) {
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return builder.parse(new InputSource(new StringReader(text)));
        } catch (SAXParseException e) {
            throw new DetectionException(RelPaths.str(rel) + ":" + e.getLineNumber() + ":" + e.getColumnNumber()
                    + ": not valid XML: " + e.getMessage() + HINT, e);
        } catch (SAXException | IOException e) {
            throw new DetectionException(RelPaths.str(rel) + ": not valid XML: " + e.getMessage() + HINT, e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a standard feature", e);
        }
    }

    /** A problem with the content of a file that parsed: the message names the file. */
    static DetectionException problem(Path rel, String message) {
        return new DetectionException(RelPaths.str(rel) + ": " + message + HINT);
    }

    /**
     * A problem with the entry {@code key} of a JSON file that parsed: the message starts with
     * {@code file:line:column} of the first {@code "key":} in the file's text (just the file when the text has
     * no such entry, or has become unreadable).
     */
    static DetectionException problemAt(RepoTree tree, Path rel, String key, String message) {
        String where = "";
        try {
            String text = read(tree, rel);
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("\"" + java.util.regex.Pattern.quote(key) + "\"\\s*:").matcher(text);
            if (m.find()) {
                int line = 1;
                int lineStart = 0;
                for (int i = 0; i < m.start(); i++) {
                    if (text.charAt(i) == '\n') {
                        line++;
                        lineStart = i + 1;
                    }
                }
                where = ":" + line + ":" + (m.start() - lineStart + 1);
            }
        } catch (DetectionException unreadable) {
            // the file was read once already; name it without a position
        }
        return new DetectionException(RelPaths.str(rel) + where + ": " + message + HINT);
    }

    private static DetectionException invalid(Path rel, String format, JacksonException e) {
        TokenStreamLocation loc = e.getLocation();
        String where = loc == null || loc.getLineNr() < 1 ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
        return new DetectionException(
                RelPaths.str(rel) + where + ": not valid " + format + ": " + e.getOriginalMessage() + HINT, e);
    }
}
