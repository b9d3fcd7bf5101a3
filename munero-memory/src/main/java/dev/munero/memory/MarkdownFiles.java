package dev.munero.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The Markdown form of memory entries: one UTF-8 file per entry, {@code ---}, YAML front matter with every field but
 * the database id (one field a line, in a fixed order), {@code ---}, then the value byte for byte. Writing an entry
 * and reading it back gives the same entry, and writing it again the same bytes.
 */
final class MarkdownFiles {
    private static final String DELIMITER = "---\n";
    private static final int MAX_NAME_BYTES = 180;

    private MarkdownFiles() {
    }

    /** An entry read from a file (its id is 0), and the file relative to the import directory. */
    record Parsed(Path file, Entry entry) {
    }

    static ExportReport export(Path directory, List<Entry> entries) throws IOException {
        Files.createDirectories(directory);
        Dump dump = new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setSplitLines(false)
                .setWidth(Integer.MAX_VALUE).build());
        List<Path> written = new ArrayList<>();
        for (Entry e : entries) {
            Path relative = Path.of(fileName(e.namespace()), fileName(e.key()) + ".md");
            Path target = directory.resolve(relative);
            Files.createDirectories(target.getParent());
            String text = DELIMITER + dump.dumpToString(frontMatter(e)) + DELIMITER + e.value();
            Path temp = Files.createTempFile(target.getParent(), ".memory-", ".tmp");
            try {
                Files.writeString(temp, text, StandardCharsets.UTF_8);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
            written.add(relative);
        }
        return new ExportReport(directory, written);
    }

    private static Map<String, Object> frontMatter(Entry e) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("namespace", e.namespace());
        fields.put("key", e.key());
        fields.put("kind", e.kind());
        fields.put("value_type", e.valueType().wireName());
        fields.put("tags", e.tags());
        fields.put("author_agent", e.author().agent());
        fields.put("author_task", e.author().task());
        fields.put("author_run", e.author().run());
        fields.put("created_at", e.createdAt().toString());
        fields.put("updated_at", e.updatedAt().toString());
        fields.put("version", e.version());
        return fields;
    }

    /**
     * A file or directory name for {@code text}: UTF-8 bytes outside {@code [A-Za-z0-9_-]} and dots that would start
     * the name percent-encoded ({@code run:r1} → {@code run%3Ar1}, {@code a/b} → {@code a%2Fb}); names longer than
     * {@value #MAX_NAME_BYTES} bytes are cut and end with a hash of the whole text, so they stay unique.
     */
    static String fileName(String text) {
        StringBuilder out = new StringBuilder();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_'
                    || b == '-' || (b == '.' && i > 0);
            if (plain) {
                out.append((char) b);
            } else {
                out.append('%').append(String.format("%02X", b));
            }
        }
        if (out.length() <= MAX_NAME_BYTES) {
            return out.toString();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return out.substring(0, MAX_NAME_BYTES - 17) + "~" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static List<Parsed> read(Path directory) throws IOException, MemoryFileException {
        if (!Files.isDirectory(directory)) {
            throw new IOException(directory + " is not a directory; give the directory munero memory export wrote");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".md") && Files.isRegularFile(p))
                    .sorted().toList();
        }
        List<Parsed> parsed = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        for (Path file : files) {
            Path relative = directory.relativize(file);
            Entry entry = parse(relative, Files.readAllBytes(file));
            Path earlier = seen.put(entry.namespace() + "\n" + entry.key(), relative);
            if (earlier != null) {
                throw new MemoryFileException(relative, "holds entry " + entry.namespace() + "/" + entry.key()
                        + ", as does " + earlier + "; keep one of the two files");
            }
            parsed.add(new Parsed(relative, entry));
        }
        return parsed;
    }

    static Entry parse(Path file, byte[] bytes) throws MemoryFileException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new MemoryFileException(file, "is not UTF-8 text");
        }
        if (!text.startsWith(DELIMITER)) {
            throw new MemoryFileException(file, "line 1: an entry file starts with a line '---' (YAML front matter, "
                    + "then '---', then the value); this one does not (line endings must be \\n)");
        }
        int end = text.indexOf("\n" + DELIMITER, DELIMITER.length() - 1);
        if (end < 0) {
            throw new MemoryFileException(file, "the front matter that starts on line 1 has no closing line '---'");
        }
        String yaml = text.substring(DELIMITER.length(), end + 1);
        String value = text.substring(end + 1 + DELIMITER.length());
        Object loaded;
        try {
            loaded = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new MemoryFileException(file, "the front matter is not valid YAML: " + e.getMessage());
        }
        if (!(loaded instanceof Map<?, ?> fields)) {
            throw new MemoryFileException(file, "the front matter is not a YAML mapping of fields");
        }
        try {
            long version = number(file, fields, "version");
            List<String> tags = new ArrayList<>();
            Object rawTags = fields.get("tags");
            if (rawTags != null) {
                if (!(rawTags instanceof List<?> list)) {
                    throw new MemoryFileException(file, "field tags is not a list of strings");
                }
                for (Object tag : list) {
                    tags.add(text(file, tag, "tags"));
                }
            }
            Author author = new Author(optional(file, fields, "author_agent"), optional(file, fields, "author_task"),
                    optional(file, fields, "author_run"));
            String namespace = required(file, fields, "namespace");
            String key = required(file, fields, "key");
            ValueType type = ValueType.fromWireName(required(file, fields, "value_type"));
            // the same checks as a put
            PutRequest checked = new PutRequest(namespace, key, required(file, fields, "kind"), value, type, tags,
                    author, PutRequest.ANY);
            if (type == ValueType.JSON) {
                MemoryBank.checkJson(namespace, key, value);
            }
            if (version < 1) {
                throw new MemoryFileException(file, "field version is " + version + "; versions start at 1");
            }
            return new Entry(0, checked.namespace(), checked.key(), checked.kind(), checked.value(),
                    checked.valueType(), checked.tags(), checked.author(), instant(file, fields, "created_at"),
                    instant(file, fields, "updated_at"), version);
        } catch (IllegalArgumentException e) {
            throw new MemoryFileException(file, e.getMessage());
        }
    }

    private static String required(Path file, Map<?, ?> fields, String name) throws MemoryFileException {
        String value = optional(file, fields, name);
        if (value == null) {
            throw new MemoryFileException(file, "the front matter has no field " + name);
        }
        return value;
    }

    private static String optional(Path file, Map<?, ?> fields, String name) throws MemoryFileException {
        Object value = fields.get(name);
        return value == null ? null : text(file, value, name);
    }

    private static String text(Path file, Object value, String name) throws MemoryFileException {
        if (!(value instanceof String s)) {
            throw new MemoryFileException(file, "field " + name + " is " + value + ", not a string (quote it)");
        }
        return s;
    }

    private static long number(Path file, Map<?, ?> fields, String name) throws MemoryFileException {
        Object value = fields.get(name);
        if (value == null) {
            throw new MemoryFileException(file, "the front matter has no field " + name);
        }
        if (!(value instanceof Number n) || n.longValue() != n.doubleValue()) {
            throw new MemoryFileException(file, "field " + name + " is " + value + ", not a whole number");
        }
        return n.longValue();
    }

    private static Instant instant(Path file, Map<?, ?> fields, String name) throws MemoryFileException {
        String value = required(file, fields, name);
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new MemoryFileException(file, "field " + name + " is '" + value
                    + "', not an ISO-8601 instant like 2026-01-31T12:00:00Z");
        }
    }
}
