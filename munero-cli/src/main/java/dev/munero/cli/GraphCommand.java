package dev.munero.cli;

import dev.munero.engine.Workspace;
import dev.munero.engine.config.StepSpec;
import dev.munero.engine.graph.BuildGraph;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/** {@code munero graph}: prints the task graph. */
@Command(name = "graph", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the task graph: steps in dependency order with their dependencies.", ""})
final class GraphCommand implements Callable<Integer> {
    private final Invocation invocation;

    GraphCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    enum Format { text, dot, mermaid, json }

    @Spec
    CommandSpec spec;

    @Mixin
    WorkspaceOptions workspace;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Workspace ws = workspace.open(invocation, spec.commandLine().getErr());
        if (ws == null) {
            return ExitCodes.USAGE;
        }
        if (format == Format.text) {
            out.println("# workspace " + workspace.describe(invocation.cwd()));
        }
        out.print(render(ws.graph(), format, ws.project().origin()));
        out.flush();
        return ExitCodes.OK;
    }

    static String render(BuildGraph g, Format format, String origin) {
        StringBuilder sb = new StringBuilder();
        String nl = System.lineSeparator();
        switch (format) {
            case text -> {
                sb.append("# ").append(g.size()).append(" steps from ").append(origin).append(nl);
                for (StepSpec s : g.steps()) {
                    sb.append(s.name());
                    if (!s.dependsOn().isEmpty()) {
                        sb.append("  <- ").append(String.join(", ", s.dependsOn()));
                    }
                    sb.append(nl).append("    ").append(s.command().display());
                    if (!".".equals(s.cwd())) {
                        sb.append("   (in ").append(s.cwd()).append(')');
                    }
                    sb.append(nl);
                }
            }
            case dot -> {
                sb.append("digraph munero {").append(nl).append("  rankdir=LR;").append(nl);
                for (StepSpec s : g.steps()) {
                    sb.append("  ").append(dotId(s.name())).append(';').append(nl);
                    for (String d : s.dependsOn()) {
                        sb.append("  ").append(dotId(d)).append(" -> ").append(dotId(s.name())).append(';').append(nl);
                    }
                }
                sb.append('}').append(nl);
            }
            case mermaid -> {
                sb.append("graph LR").append(nl);
                Map<String, String> ids = new LinkedHashMap<>();
                for (StepSpec s : g.steps()) {
                    ids.put(s.name(), "s" + ids.size());
                    sb.append("  ").append(ids.get(s.name())).append("[\"").append(s.name().replace("\"", "#quot;"))
                            .append("\"]").append(nl);
                }
                for (StepSpec s : g.steps()) {
                    for (String d : s.dependsOn()) {
                        sb.append("  ").append(ids.get(d)).append(" --> ").append(ids.get(s.name())).append(nl);
                    }
                }
            }
            case json -> {
                List<Map<String, Object>> steps = new ArrayList<>();
                for (StepSpec s : g.steps()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", s.name());
                    m.put("command", s.command().toArgv());
                    m.put("cwd", s.cwd());
                    m.put("dependsOn", s.dependsOn());
                    m.put("inputs", s.inputs());
                    m.put("outputs", s.outputs());
                    steps.add(m);
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("origin", origin);
                doc.put("steps", steps);
                sb.append(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(doc)).append(nl);
            }
        }
        return sb.toString();
    }

    private static String dotId(String name) {
        return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
