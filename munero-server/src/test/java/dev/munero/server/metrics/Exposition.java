package dev.munero.server.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scraped Prometheus text exposition (format 0.0.4), read back for assertions: its HELP and TYPE lines and its
 * samples. Strict: a line that is none of those fails the test.
 */
final class Exposition {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    /** One sample: the series' name, its labels (sorted by name), its value. */
    record Sample(String name, Map<String, String> labels, double value) { }

    final String text;
    final Map<String, String> help = new LinkedHashMap<>();
    final Map<String, String> type = new LinkedHashMap<>();
    final List<Sample> samples = new ArrayList<>();

    Exposition(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                help.put(parts[0], parts.length > 1 ? parts[1] : "");
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ", 2);
                type.put(parts[0], parts[1]);
            } else {
                Matcher m = SAMPLE.matcher(line);
                if (!m.matches()) {
                    throw new AssertionError("not a line of the Prometheus text format: " + line);
                }
                Map<String, String> labels = new TreeMap<>();
                if (m.group(2) != null) {
                    Matcher l = LABEL.matcher(m.group(2));
                    int end = 0;
                    while (l.find() && l.start() == end) {
                        labels.put(l.group(1), l.group(2));
                        end = l.end();
                    }
                    if (end != m.group(2).length()) {
                        throw new AssertionError("bad labels in: " + line);
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
            }
        }
    }

    /**
     * The value of the one series {@code name} whose labels include {@code labels} (name, value pairs); 0 when
     * there is none (a counter not incremented yet).
     *
     * @throws AssertionError when more than one series matches
     */
    double value(String name, String... labels) {
        List<Sample> found = find(name, labels);
        if (found.size() > 1) {
            throw new AssertionError(found.size() + " series match " + name + " " + List.of(labels) + ": " + found);
        }
        return found.isEmpty() ? 0 : found.getFirst().value();
    }

    /** The sum over every series {@code name} whose labels include {@code labels}. */
    double sum(String name, String... labels) {
        return find(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    /** The series {@code name} whose labels include {@code labels}. */
    List<Sample> find(String name, String... labels) {
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            if (!s.name().equals(name)) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= labels[i + 1].equals(s.labels().get(labels[i]));
            }
            if (all) {
                found.add(s);
            }
        }
        return found;
    }

    /** The label names of every series of each metric family (by its TYPE name); one set per family when fixed. */
    Map<String, Set<Set<String>>> labelSetsByFamily() {
        Map<String, Set<Set<String>>> sets = new TreeMap<>();
        for (Sample s : samples) {
            String family = family(s.name());
            Set<String> names = new TreeSet<>(s.labels().keySet());
            names.remove("le"); // a histogram bucket's bound
            sets.computeIfAbsent(family, k -> new java.util.HashSet<>()).add(names);
        }
        return sets;
    }

    /** The metric family (TYPE name) a series belongs to. */
    String family(String series) {
        if (type.containsKey(series)) {
            return series;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created")) {
            if (series.endsWith(suffix) && type.containsKey(series.substring(0, series.length() - suffix.length()))) {
                return series.substring(0, series.length() - suffix.length());
            }
        }
        throw new AssertionError("the series " + series + " has no TYPE line");
    }
}
