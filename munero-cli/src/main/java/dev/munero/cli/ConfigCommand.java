package dev.munero.cli;

import dev.munero.core.config.RunSettings;
import dev.munero.core.config.RunSettingsResolver;
import dev.munero.core.config.SettingsException;
import dev.munero.llm.UserConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code munero config}: the effective settings of {@code munero run} and where each comes from. */
@Command(name = "config", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the effective configuration of munero run in a repository, and where each value comes "
                + "from.",
                "",
                "Precedence, highest first: munero run's command-line flags; the environment (MUNERO_MODEL, "
                + "MUNERO_MAX_COST, MUNERO_TIMEOUT, MUNERO_LOG_LEVEL, MUNERO_METRICS_ENABLED); the run: section of "
                + "munero.yaml; the user config file (~/.config/munero/config.toml, model only); the defaults.",
                ""},
        footer = {"", "Exit codes: 0 ok, 2 a bad value or an invalid munero.yaml (the message says which value, "
                + "where it came from, and what to write)."})
final class ConfigCommand implements Callable<Integer> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Invocation invocation;

    ConfigCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = {"-C", "--directory"}, paramLabel = "DIR", defaultValue = ".",
            description = "Repository root (default: the current directory).")
    Path directory;

    @Option(names = "--json", description = "Print one JSON object: {key: {value, source}}, values typed.")
    boolean json;

    @Override
    public Integer call() {
        PrintStream out = invocation.out();
        PrintStream err = invocation.err();
        Path root = invocation.cwd().resolve(directory).toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            err.println("munero: error: " + root + " is not a directory");
            return ExitCodes.USAGE;
        }
        UserConfig userConfig;
        RunSettings settings;
        try {
            userConfig = UserConfig.load(invocation.env());
        } catch (IllegalArgumentException notToml) {
            err.println("munero: error: " + notToml.getMessage());
            return ExitCodes.USAGE;
        }
        try {
            settings = RunSettingsResolver.resolve(root, invocation.env(), Map.of(), userConfig);
        } catch (SettingsException e) {
            e.getMessage().lines().forEach(line -> err.println("munero: error: " + line));
            return ExitCodes.USAGE;
        }
        List<RunSettings.Entry> entries = settings.entries();
        if (json) {
            ObjectNode doc = JSON.createObjectNode();
            for (RunSettings.Entry e : entries) {
                ObjectNode setting = doc.putObject(e.key());
                setting.set("value", e.json());
                setting.put("source", e.source());
            }
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            return ExitCodes.OK;
        }
        int keyWidth = entries.stream().mapToInt(e -> e.key().length()).max().orElse(0);
        int valueWidth = entries.stream().mapToInt(e -> e.value().length()).max().orElse(0);
        out.println("Effective configuration of munero run in " + root);
        for (RunSettings.Entry e : entries) {
            out.printf("  %-" + keyWidth + "s  %-" + valueWidth + "s  (%s)%n", e.key(), e.value(), e.source());
        }
        return ExitCodes.OK;
    }
}
