package dev.munero.engine.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A YAML document as a Jackson tree, with the source position of every value and every mapping key,
 * addressed by JSON pointer ({@code /steps/0/dependsOn}). Parsing uses SnakeYAML Engine's composer
 * with its default, the YAML 1.2 JSON schema (only {@code true}/{@code false}, {@code null} and JSON numbers
 * are typed; {@code True}, {@code ~}, {@code 0x1F} stay strings, as {@link ConfigWriter}'s dumper
 * expects); positions come from its node marks.
 *
 * <p>Immutable after {@link #parse}; thread-safe.
 */
final class YamlTree {
    private final Path file;
    private final JsonNode root;
    private final Map<String, Mark> valueMarks;
    private final Map<String, Mark> keyMarks;
    private final Map<String, String> scalarTexts;

    private YamlTree(Path file, JsonNode root, Map<String, Mark> valueMarks, Map<String, Mark> keyMarks,
                     Map<String, String> scalarTexts) {
        this.file = file;
        this.root = root;
        this.valueMarks = valueMarks;
        this.keyMarks = keyMarks;
        this.scalarTexts = scalarTexts;
    }

    /**
     * Parses {@code text}, read from {@code file}.
     *
     * @throws ConfigException on a YAML syntax error or a duplicate key, with its line and column
     */
    static YamlTree parse(Path file, String text) throws ConfigException {
        LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).setAllowDuplicateKeys(true)
                .setMaxAliasesForCollections(50).setUseMarks(true).build();
        Optional<Node> node;
        try {
            node = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            throw new ConfigException(new ConfigProblem(location(file, mark), "",
                    "invalid YAML: " + firstLine(e.getProblem() != null ? e.getProblem() : e.getMessage())));
        } catch (YamlEngineException e) {
            throw new ConfigException(new ConfigProblem(new SourceLocation(file, 0, 0), "",
                    "invalid YAML: " + firstLine(e.getMessage())));
        }
        Map<String, Mark> values = new HashMap<>();
        Map<String, Mark> keys = new HashMap<>();
        Map<String, String> texts = new HashMap<>();
        if (node.isEmpty()) {
            return new YamlTree(file, JsonNodeFactory.instance.nullNode(), values, keys, texts);
        }
        Set<Node> open = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        JsonNode json = convert(file, node.get(), "", values, keys, texts, open);
        return new YamlTree(file, json, values, keys, texts);
    }

    JsonNode root() {
        return root;
    }

    Path file() {
        return file;
    }

    /** The position of the value at {@code pointer}, or of its closest parent that has one. */
    SourceLocation valueAt(String pointer) {
        String p = pointer;
        while (true) {
            Mark m = valueMarks.get(p);
            if (m != null) {
                return location(file, m);
            }
            if (p.isEmpty()) {
                return new SourceLocation(file, 1, 1);
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    /** The text of the scalar at {@code pointer} as written (without quotes), or null when there is none. */
    String scalarText(String pointer) {
        return scalarTexts.get(pointer);
    }

    /** The position of the mapping key at {@code pointer}, else of the value there. */
    SourceLocation keyAt(String pointer) {
        Mark m = keyMarks.get(pointer);
        return m != null ? location(file, m) : valueAt(pointer);
    }

    /** {@code open}: the collections being converted, i.e. {@code node}'s ancestors. */
    private static JsonNode convert(Path file, Node node, String pointer, Map<String, Mark> values,
                                    Map<String, Mark> keys, Map<String, String> texts, Set<Node> open)
            throws ConfigException {
        node.getStartMark().ifPresent(m -> values.put(pointer, m));
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (!(node instanceof ScalarNode) && !open.add(node)) {
            // an alias to an enclosing collection would make the tree infinite
            throw new ConfigException(new ConfigProblem(location(file, node.getStartMark().orElse(null)),
                    pointerToField(pointer), "an alias refers to a collection that contains it; remove the recursion"));
        }
        if (node instanceof MappingNode map) {
            ObjectNode obj = f.objectNode();
            for (NodeTuple t : map.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode keyNode)) {
                    throw new ConfigException(new ConfigProblem(location(file, t.getKeyNode().getStartMark().orElse(null)),
                            pointerToField(pointer), "mapping keys must be plain strings"));
                }
                String key = keyNode.getValue();
                String child = pointer + "/" + escape(key);
                if (obj.has(key)) {
                    throw new ConfigException(new ConfigProblem(location(file, keyNode.getStartMark().orElse(null)),
                            pointerToField(child), "duplicate key '" + key + "'; keep only one"));
                }
                keyNode.getStartMark().ifPresent(m -> keys.put(child, m));
                obj.set(key, convert(file, t.getValueNode(), child, values, keys, texts, open));
            }
            open.remove(node);
            return obj;
        }
        if (node instanceof SequenceNode seq) {
            ArrayNode arr = f.arrayNode();
            int i = 0;
            for (Node item : seq.getValue()) {
                arr.add(convert(file, item, pointer + "/" + i++, values, keys, texts, open));
            }
            open.remove(node);
            return arr;
        }
        ScalarNode scalar = (ScalarNode) node;
        String v = scalar.getValue();
        texts.put(pointer, v);
        Tag tag = scalar.getTag();
        try {
            if (Tag.NULL.equals(tag)) {
                return f.nullNode();
            }
            if (Tag.BOOL.equals(tag)) {
                return f.booleanNode(Boolean.parseBoolean(v.toLowerCase(java.util.Locale.ROOT)));
            }
            if (Tag.INT.equals(tag)) {
                return f.numberNode(new java.math.BigInteger(v.replace("_", "")));
            }
            if (Tag.FLOAT.equals(tag)) {
                java.math.BigDecimal d = new java.math.BigDecimal(v);
                // the validator reads decimals with asLong(), which throws past the long range
                return d.abs().compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) < 0 ? f.numberNode(d) : f.textNode(v);
            }
        } catch (NumberFormatException e) {
            // .inf, .nan, 0x..: keep the text, the schema reports the type
        }
        return f.textNode(v);
    }

    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** {@code /steps/0/dependsOn} to {@code steps[0].dependsOn}. */
    static String pointerToField(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            String name = part.replace("~1", "/").replace("~0", "~");
            if (name.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(name).append(']');
            } else {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(name);
            }
        }
        return sb.toString();
    }

    private static SourceLocation location(Path file, Mark mark) {
        return mark == null ? new SourceLocation(file, 0, 0)
                : new SourceLocation(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
