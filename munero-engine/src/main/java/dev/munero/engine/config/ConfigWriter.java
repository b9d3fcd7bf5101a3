package dev.munero.engine.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Writes steps as munero.yaml text that {@link ConfigLoader} reads back to the same steps (fields at
 * their default value are left out). Used by {@code munero init}. Thread-safe: stateless.
 */
public final class ConfigWriter {
    private ConfigWriter() {
    }

    /**
     * @param steps  the steps, in order
     * @param header comment lines put at the top, without the leading {@code #}
     * @return YAML text
     */
    public static String toYaml(List<StepSpec> steps, List<String> header) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StepSpec s : steps) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            switch (s.command()) {
                case Command.Argv a -> m.put("command", a.args());
                case Command.Shell sh -> {
                    m.put("command", sh.script());
                    m.put("shell", true);
                }
            }
            if (!".".equals(s.cwd())) {
                m.put("cwd", s.cwd());
            }
            if (!s.env().isEmpty()) {
                m.put("env", s.env());
            }
            if (!s.passEnv().isEmpty()) {
                m.put("passEnv", s.passEnv());
            }
            if (!s.dependsOn().isEmpty()) {
                m.put("dependsOn", s.dependsOn());
            }
            if (!s.inputs().equals(List.of("**"))) {
                m.put("inputs", s.inputs());
            }
            if (!s.outputs().isEmpty()) {
                m.put("outputs", s.outputs());
            }
            if (!s.skipIf().isEmpty()) {
                List<Map<String, String>> conds = new ArrayList<>();
                for (SkipCondition c : s.skipIf()) {
                    conds.add(switch (c) {
                        case SkipCondition.Profile p -> Map.of("profile", p.profile());
                        case SkipCondition.Os o -> Map.of("os", o.os());
                        case SkipCondition.Env e -> Map.of("env", e.value() == null ? e.name() : e.name() + "=" + e.value());
                        case SkipCondition.FileExists f -> Map.of("exists", f.path());
                        case SkipCondition.FileMissing f -> Map.of("missing", f.path());
                    });
                }
                m.put("skipIf", conds);
            }
            if (s.retry().retries() > 0) {
                m.put("retries", s.retry().retries());
            }
            if (!s.retry().initialBackoff().equals(RetryPolicy.NONE.initialBackoff())) {
                m.put("retryBackoff", Durations.format(s.retry().initialBackoff()));
            }
            s.timeout().ifPresent(t -> m.put("timeout", Durations.format(t)));
            if (!s.parallel()) {
                m.put("parallel", false);
            }
            if (!s.cache()) {
                m.put("cache", false);
            }
            out.add(m);
        }
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2)
                .setIndicatorIndent(2).setIndentWithIndicator(true).setWidth(120)
                // issue 9.9: steps sharing one list (a detector's constant inputs) must not become &id001/*id001
                .setDereferenceAliases(true).build();
        StringBuilder sb = new StringBuilder();
        for (String h : header) {
            sb.append("# ").append(h).append('\n');
        }
        sb.append(new Dump(settings).dumpToString(Map.of("steps", out)));
        return sb.toString();
    }
}
